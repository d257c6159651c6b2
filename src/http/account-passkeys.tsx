// /account/security/passkeys: a signed-in user adds passkeys (options, then the authenticator's answer), renames and
// removes them. Every change names the session's user as well as the passkey, so no one touches another's; the last
// passkey of an account without a password cannot be removed (it would leave no way to sign in).
import { Hono, type Context } from 'hono';
import { PasskeyError, consumeCeremony } from '../accounts/passkey-ceremony';
import { passkeyName, startPasskeyRegistration, verifyPasskeyRegistration } from '../accounts/passkey-registration';
import { hasPassword } from '../accounts/password-hash';
import { OAuthError } from '../oauth/errors';
import { COPY } from '../pages/copy';
import { SECURITY_PATH } from '../pages/account-security';
import { SecurityPasskeys } from '../pages/security-passkeys';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { NO_STORE_HEADERS } from './middleware/no-store';
import { requireSession, sessionUser } from './middleware/require-session';
import {
  defaultPasskeyName,
  ceremonyOptions,
  passkeyScriptNonce,
  refusingPasskeyErrors,
  relyingParty,
  rememberCeremony,
  requireRelyingParty,
  takeCeremonyToken,
} from './passkey-ceremony';

export const passkeyPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession(SECURITY_PATH))
  .post('/options', ceremonyOptions, async (c) => {
    const party = await refusingPasskeyErrors(async () => requireRelyingParty(c));
    const user = await sessionUser(c);
    const { options, token } = await startPasskeyRegistration(
      c.get('stores'),
      party,
      { id: user.id, username: user.username },
      { purpose: 'register', username: null, email: null },
      epochSeconds(),
    );
    rememberCeremony(c, token);
    return c.json(options, 200, NO_STORE_HEADERS);
  })
  .post('/', async (c) => {
    const user = await sessionUser(c);
    const params = await readForm(c);
    const nowSeconds = epochSeconds();
    const stores = c.get('stores');
    const name = passkeyName(params.get('name'), defaultPasskeyName(nowSeconds));
    await refusingPasskeyErrors(async () => {
      const party = requireRelyingParty(c);
      const ceremony = await consumeCeremony(stores, takeCeremonyToken(c), 'register', nowSeconds);
      // A ceremony started by another user's session (the browser signed in as someone else since) does not count.
      if (ceremony.userId !== user.id) throw new PasskeyError('ceremony_expired');
      const passkey = await verifyPasskeyRegistration(
        stores,
        party,
        ceremony,
        params.get('response'),
        name,
        nowSeconds,
      );
      if (!(await stores.passkeys.create(passkey))) throw new PasskeyError('already_registered');
    });
    audit(c, { type: 'passkey_added', userId: user.id, details: { name } });
    return c.redirect(SECURITY_PATH, 303);
  })
  .post('/:id/rename', async (c) => {
    const user = await sessionUser(c);
    const name = passkeyName((await readForm(c)).get('name'), '');
    if (name === '') throw new OAuthError('invalid_request', COPY.passkeys.nameRequired);
    if (!(await c.get('stores').passkeys.rename(user.id, c.req.param('id'), name))) throw notFound();
    audit(c, { type: 'passkey_renamed', userId: user.id, details: { name } });
    return c.redirect(SECURITY_PATH, 303);
  })
  .post('/:id/delete', async (c) => {
    const user = await sessionUser(c);
    await removePasskey(c, user, c.req.param('id'));
    audit(c, { type: 'passkey_removed', userId: user.id });
    return c.redirect(SECURITY_PATH, 303);
  });

async function removePasskey(c: Context<AppEnv>, user: User, id: string): Promise<void> {
  const passkeys = c.get('stores').passkeys;
  if (hasPassword(user)) {
    if (!(await passkeys.delete(user.id, id))) throw notFound();
    return;
  }
  if (await passkeys.deleteUnlessLast(user.id, id)) return;
  if ((await passkeys.findById(id))?.userId === user.id)
    throw new OAuthError('invalid_request', COPY.passkeys.lastMethod);
  throw notFound();
}

function notFound(): OAuthError {
  return new OAuthError('not_found', COPY.passkeys.notFound);
}

/** The security page's passkeys section (http/account-security.tsx puts it in the page). */
export async function passkeysSection(c: Context<AppEnv>, user: User) {
  return (
    <SecurityPasskeys
      passkeys={await c.get('stores').passkeys.listByUser(user.id)}
      available={relyingParty(c) !== null}
      csrfToken={await csrfToken(c)}
      scriptNonce={passkeyScriptNonce(c)}
    />
  );
}
