// POST /signup/passkey/options and POST /signup/passkey: a new account whose only sign-in method is a passkey
// (NO_PASSWORD_HASH). The options check the username first, and the account is created under the user handle the
// passkey was made for once the authenticator's answer verifies; the new user is signed in by the passkey.
import { Hono, type Context } from 'hono';
import { PasskeyError, consumeCeremony } from '../accounts/passkey-ceremony';
import { startPasskeyRegistration, verifyPasskeyRegistration } from '../accounts/passkey-registration';
import { checkPasswordlessSignup, registerUserWithoutPassword } from '../accounts/register-user';
import { PASSKEY_AMR } from '../oauth/authentication-context';
import { OAuthError } from '../oauth/errors';
import { COPY } from '../pages/copy';
import { epochSeconds } from '../tokens/access-token';
import { mailVerificationLink } from './account-mail';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { NO_STORE_HEADERS } from './middleware/no-store';
import { startSession } from './middleware/session';
import {
  defaultPasskeyName,
  ceremonyOptions,
  refusingPasskeyErrors,
  rememberCeremony,
  requireRelyingParty,
  takeCeremonyToken,
} from './passkey-ceremony';
import { safeReturnTo } from './return-to';
import { limitSignups, renderSignup } from './signup';

export const passkeySignup = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .post('/options', ceremonyOptions, limitSignups, async (c) => {
    const party = await refusingPasskeyErrors(async () => requireRelyingParty(c));
    const params = await readForm(c);
    const stores = c.get('stores');
    const identity = await checkPasswordlessSignup(stores.users, {
      username: params.get('username') ?? '',
      email: params.get('email'),
    });
    if ('problem' in identity) throw new OAuthError('invalid_request', COPY.signup.problems[identity.problem]);
    const { options, token } = await startPasskeyRegistration(
      stores,
      party,
      { id: crypto.randomUUID(), username: identity.username },
      { purpose: 'sign-up', ...identity },
      epochSeconds(),
    );
    rememberCeremony(c, token);
    return c.json(options, 200, NO_STORE_HEADERS);
  })
  .post('/', async (c) => {
    const params = await readForm(c);
    const returnTo = safeReturnTo(params.get('return_to'));
    const nowSeconds = epochSeconds();
    const stores = c.get('stores');
    try {
      const party = requireRelyingParty(c);
      const ceremony = await consumeCeremony(stores, takeCeremonyToken(c), 'sign-up', nowSeconds);
      const name = defaultPasskeyName(nowSeconds);
      const passkey = await verifyPasskeyRegistration(
        stores,
        party,
        ceremony,
        params.get('response'),
        name,
        nowSeconds,
      );
      const created = await registerUserWithoutPassword(
        stores.users,
        { id: passkey.userId, username: ceremony.username ?? '', email: ceremony.email ?? undefined },
        nowSeconds,
      );
      // The username was free when the options were given; another sign-up may have taken it since.
      if ('problem' in created) return signupRefused(c, returnTo, COPY.signup.problems[created.problem]);
      if (!(await stores.passkeys.create(passkey))) throw new PasskeyError('already_registered');
      audit(c, { type: 'signup', userId: created.user.id, details: { method: 'passkey' } });
      audit(c, { type: 'passkey_added', userId: created.user.id, details: { name } });
      if (created.user.email) await mailVerificationLink(c, created.user, created.user.email);
      await startSession(c, created.user, PASSKEY_AMR);
      return c.redirect(returnTo, 303);
    } catch (error) {
      if (!(error instanceof PasskeyError)) throw error;
      return signupRefused(c, returnTo, COPY.passkeys.problems[error.problem]);
    }
  });

function signupRefused(c: Context<AppEnv>, returnTo: string, error: string) {
  return renderSignup(c, { returnTo, error }, 400);
}
