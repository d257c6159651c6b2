// The second step of signing in to a two-factor account. After the right password, /login calls askForSecondFactor:
// a pending sign-in (D1 keeps only its token's SHA-256; it lives 5 minutes and completes once) whose token goes to
// this browser in an HttpOnly cookie, and no session. POST /login/second-factor checks the code or recovery code under
// the login throttle (the same account and address keys and policy as passwords) and only then starts the session,
// with amr pwd+otp+mfa (RFC 8176). prompt=login and max_age send the browser through /login, so through this step too.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { checkWithThrottle } from '../accounts/login-throttle';
import { totpSecretBox, verifySecondFactor } from '../accounts/two-factor';
import { signInFailedEvent } from '../oauth/audit';
import { PASSWORD_AND_CODE_AMR } from '../oauth/authentication-context';
import { COPY } from '../pages/copy';
import {
  SECOND_FACTOR_CODE_FIELD,
  SECOND_FACTOR_PATH,
  SecondFactorExpiredPage,
  SecondFactorPage,
} from '../pages/login-second-factor';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { cookiePolicy } from './cookies';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { startSession } from './middleware/session';

const PENDING_SIGN_IN_COOKIE = 'portcullis_pending_sign_in';
/** Long enough to open the app and type a code; a pending sign-in older than this starts over at the password. */
export const PENDING_SIGN_IN_TTL_SECONDS = 5 * 60;

/** The password was right and the account has a second factor: remember that for this browser and ask for a code. */
export async function askForSecondFactor(c: Context<AppEnv>, user: User, returnTo: string): Promise<Response> {
  const token = await c.get('stores').pendingSignIns.create({
    userId: user.id,
    returnTo,
    nowSeconds: epochSeconds(),
    ttlSeconds: PENDING_SIGN_IN_TTL_SECONDS,
  });
  const policy = cookiePolicy(c);
  setCookie(c, policy.name(PENDING_SIGN_IN_COOKIE), token, { ...policy.options, maxAge: PENDING_SIGN_IN_TTL_SECONDS });
  return c.redirect(SECOND_FACTOR_PATH, 303);
}

export const secondFactorEndpoint = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection())
  .get('/', async (c) => {
    const token = pendingToken(c);
    const pending = token ? await c.get('stores').pendingSignIns.find(token, epochSeconds()) : null;
    return pending ? renderCodeForm(c) : c.redirect('/login', 302);
  })
  .post('/', async (c) => {
    const stores = c.get('stores');
    const nowSeconds = epochSeconds();
    const token = pendingToken(c);
    const pending = token ? await stores.pendingSignIns.find(token, nowSeconds) : null;
    const user = pending ? await stores.users.findById(pending.userId) : null;
    if (!user || user.disabled) return renderExpired(c);
    const typed = (await readForm(c)).get(SECOND_FACTOR_CODE_FIELD)?.trim();
    if (!typed) return renderCodeForm(c, COPY.twoFactor.missingCode, 400);

    const box = totpSecretBox(c.get('config'));
    const checked = await checkWithThrottle(stores.loginThrottles, user, clientAddress(c), nowSeconds, () =>
      verifySecondFactor(stores, box, user.id, typed, nowSeconds),
    );
    if (checked.outcome === 'throttled') {
      audit(c, { ...signInFailedEvent(user.username, checked.lockedNow ? 'locked_now' : 'locked'), userId: user.id });
      c.header('Retry-After', String(checked.retryAfterSeconds));
      const minutes = Math.max(1, Math.ceil(checked.retryAfterSeconds / 60));
      return renderCodeForm(c, COPY.login.throttled(minutes), 429);
    }
    if (checked.outcome === 'wrong-credentials') {
      audit(c, { ...signInFailedEvent(user.username, 'invalid_second_factor'), userId: user.id });
      return renderCodeForm(c, COPY.twoFactor.wrongCode, 401);
    }
    // Single use: of two requests racing with good codes, one completes the sign-in.
    const completed = await stores.pendingSignIns.consume(token, nowSeconds);
    if (!completed) return renderExpired(c);
    const policy = cookiePolicy(c);
    deleteCookie(c, policy.name(PENDING_SIGN_IN_COOKIE), policy.options);
    await startSession(c, user, PASSWORD_AND_CODE_AMR);
    audit(c, { type: 'login', userId: user.id, details: { method: `password+${checked.value}` } });
    return c.redirect(completed.returnTo, 303);
  });

function pendingToken(c: Context<AppEnv>): string {
  return getCookie(c, cookiePolicy(c).name(PENDING_SIGN_IN_COOKIE)) ?? '';
}

async function renderCodeForm(c: Context<AppEnv>, error?: string, status: 200 | 400 | 401 | 429 = 200) {
  return c.html(<SecondFactorPage csrfToken={await csrfToken(c)} error={error} />, status);
}

function renderExpired(c: Context<AppEnv>) {
  const policy = cookiePolicy(c);
  deleteCookie(c, policy.name(PENDING_SIGN_IN_COOKIE), policy.options);
  return c.html(<SecondFactorExpiredPage />, 400);
}
