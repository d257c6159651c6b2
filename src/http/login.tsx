// GET/POST /login: the login form. Success starts a session and returns to the same-origin `return_to`; a wrong
// username and a wrong password get the same answer; repeated failures lock the account and the address a while.
import { Hono, type Context } from 'hono';
import { signInWithThrottle } from '../accounts/login-throttle';
import { normalizeUsername } from '../accounts/username';
import { COPY } from '../pages/copy';
import type { ClientBranding } from '../pages/client-card';
import { LoginPage, type LoginPageProps } from '../pages/login';
import { signInFailedEvent } from '../oauth/audit';
import { PASSWORD_AMR } from '../oauth/authentication-context';
import { audit } from './audit';
import { clientBranding } from './client-branding';
import type { AppEnv } from './context';
import { clientAddress } from './client-address';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { askForSecondFactor } from './login-second-factor';
import { htmlPage } from './middleware/html-page';
import { startSession } from './middleware/session';
import { passkeySignIn } from './passkey-ceremony';
import { safeReturnTo } from './return-to';

/** OIDC Core §3.1.2.1 login_hint, passed on by the authorization endpoint: prefills the username. */
export const LOGIN_HINT_PARAM = 'login_hint';

export const loginEndpoint = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .get('/', (c) =>
    renderLogin(c, { returnTo: safeReturnTo(c.req.query('return_to')), username: c.req.query(LOGIN_HINT_PARAM) }),
  )
  .post('/', async (c) => {
    const params = await readForm(c);
    const returnTo = safeReturnTo(params.get('return_to'));
    const typed = params.get('username');
    const password = params.get('password');
    if (typed === undefined || password === undefined) {
      return renderLogin(c, { returnTo, username: typed, error: COPY.login.missingCredentials }, 400);
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    const signIn = await signInWithThrottle(c.get('stores'), typed, password, clientAddress(c), nowSeconds);
    if (signIn.outcome === 'throttled') {
      audit(c, signInFailedEvent(normalizeUsername(typed), signIn.lockedNow ? 'locked_now' : 'locked'));
      return renderThrottled(c, returnTo, typed, signIn.retryAfterSeconds);
    }
    if (signIn.outcome === 'wrong-credentials') {
      audit(c, signInFailedEvent(normalizeUsername(typed), 'invalid_credentials'));
      return renderLogin(c, { returnTo, username: typed, error: COPY.login.invalidCredentials }, 401);
    }
    if (signIn.outcome === 'second-factor-required') return askForSecondFactor(c, signIn.user, returnTo);
    await startSession(c, signIn.user, PASSWORD_AMR, signIn.settlement);
    audit(c, { type: 'login', userId: signIn.user.id });
    return c.redirect(returnTo, 303);
  });

export async function renderLogin(
  c: Context<AppEnv>,
  props: Omit<LoginPageProps, 'csrfToken' | 'client' | 'passkey'>,
  status: 200 | 400 | 401 | 429 = 200,
) {
  const client = await authorizingClient(c, props.returnTo);
  const token = await csrfToken(c);
  return c.html(
    <LoginPage
      {...props}
      client={client}
      csrfToken={token}
      passkey={passkeySignIn(c, token, props.returnTo)}
      upstreamProviders={c.get('config').upstreamProviders}
    />,
    status,
  );
}

/** The client of the authorization request the sign-in returns to, shown so the user knows who is asking. */
async function authorizingClient(c: Context<AppEnv>, returnTo: string): Promise<ClientBranding | undefined> {
  const url = new URL(returnTo, 'https://portcullis.invalid');
  const clientId = url.pathname === '/oauth/authorize' ? url.searchParams.get('client_id') : null;
  const client = clientId ? await c.get('stores').clients.findById(clientId) : null;
  return client ? clientBranding(c, client) : undefined;
}

/** RFC 6585 §4: 429 with Retry-After, shown as the login form with the wait, so the user can come back to it. */
export function renderThrottled(c: Context<AppEnv>, returnTo: string, username: string, retryAfterSeconds: number) {
  c.header('Retry-After', String(retryAfterSeconds));
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return renderLogin(c, { returnTo, username, error: COPY.login.throttled(minutes) }, 429);
}
