// POST /login/passkey/options and POST /login/passkey: signing in with a passkey (accounts/passkey-sign-in.ts). The
// options start a ceremony bound to this browser; the login page's script posts the authenticator's answer, which
// starts a session whose methods are a passkey's (amr pop, user, mfa) and returns to `return_to`.
import { Hono } from 'hono';
import { PasskeyError, consumeCeremony } from '../accounts/passkey-ceremony';
import { signInWithPasskey, startPasskeySignIn } from '../accounts/passkey-sign-in';
import { signInFailedEvent } from '../oauth/audit';
import { PASSKEY_AMR } from '../oauth/authentication-context';
import { COPY } from '../pages/copy';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { readForm } from './form';
import { renderLogin, renderThrottled } from './login';
import { csrfProtection } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { NO_STORE_HEADERS } from './middleware/no-store';
import { startSession } from './middleware/session';
import {
  ceremonyOptions,
  rememberCeremony,
  refusingPasskeyErrors,
  requireRelyingParty,
  takeCeremonyToken,
} from './passkey-ceremony';
import { safeReturnTo } from './return-to';

export const passkeyLogin = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .post('/options', ceremonyOptions, async (c) => {
    const party = await refusingPasskeyErrors(async () => requireRelyingParty(c));
    const { options, token } = await startPasskeySignIn(c.get('stores'), party, epochSeconds());
    rememberCeremony(c, token);
    return c.json(options, 200, NO_STORE_HEADERS);
  })
  .post('/', async (c) => {
    const params = await readForm(c);
    const returnTo = safeReturnTo(params.get('return_to'));
    const nowSeconds = epochSeconds();
    const stores = c.get('stores');
    let signIn: Awaited<ReturnType<typeof signInWithPasskey>>;
    try {
      const party = requireRelyingParty(c);
      const ceremony = await consumeCeremony(stores, takeCeremonyToken(c), 'sign-in', nowSeconds);
      signIn = await signInWithPasskey(stores, party, ceremony, params.get('response'), clientAddress(c), nowSeconds);
    } catch (error) {
      if (!(error instanceof PasskeyError)) throw error;
      signIn = { outcome: 'refused', problem: error.problem };
    }
    if (signIn.outcome === 'throttled') {
      const failed = signInFailedEvent(null, signIn.lockedNow ? 'locked_now' : 'locked');
      audit(c, { ...failed, details: { ...failed.details, method: 'passkey' } });
      return renderThrottled(c, returnTo, '', signIn.retryAfterSeconds);
    }
    if (signIn.outcome === 'refused') {
      const { problem } = signIn;
      audit(c, { type: 'login', outcome: 'failure', details: { method: 'passkey', reason: problem } });
      const status = problem === 'unknown_credential' || problem === 'verification_failed' ? 401 : 400;
      return renderLogin(c, { returnTo, error: COPY.passkeys.problems[problem] }, status);
    }
    await startSession(c, signIn.user, PASSKEY_AMR, signIn.settlement);
    audit(c, { type: 'login', userId: signIn.user.id, details: { method: 'passkey' } });
    return c.redirect(returnTo, 303);
  });
