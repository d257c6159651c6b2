// The login session of the pages: a random token in an HttpOnly cookie, looked up by its hash in D1. The current
// session is read at most once per request and cached on the context.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ActiveSession, LoginSettlement, User } from '../../storage/types';
import type { AppEnv } from '../context';
import { audit } from '../audit';
import { cookiePolicy } from '../cookies';

const SESSION_COOKIE = 'portcullis_session';

/** The signed-in user, when and how they signed in; null without a cookie, when unknown, expired, or disabled. */
export function currentSession(c: Context<AppEnv>): Promise<ActiveSession | null> {
  const cached = c.get('session');
  if (cached) return cached;
  const session = loadSession(c);
  c.set('session', session);
  return session;
}

/**
 * Signs the user in by the given methods (RFC 8176 values: `amr`): a new session and cookie every time, so a token
 * planted before login is worthless. The sign-in's throttle settlement, when given, is written with the session.
 */
export async function startSession(
  c: Context<AppEnv>,
  user: User,
  amr: readonly string[],
  settlement?: LoginSettlement,
): Promise<void> {
  const stores = c.get('stores');
  const previous = sessionToken(c);
  if (previous) await stores.sessions.delete(previous);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const ttlSeconds = c.get('config').sessionTtlSeconds;
  const { token, expiresAt } = await stores.sessions.create({
    userId: user.id,
    authTime: nowSeconds,
    amr,
    nowSeconds,
    ttlSeconds,
    ...(settlement ? { settlement } : {}),
  });
  const policy = cookiePolicy(c);
  setCookie(c, policy.name(SESSION_COOKIE), token, { ...policy.options, maxAge: ttlSeconds });
  rememberSession(c, token, { user, authTime: nowSeconds, amr: [...amr], expiresAt });
}

/** Signs out: deletes the session row and the cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = sessionToken(c);
  const userId = token ? await c.get('stores').sessions.delete(token) : null;
  if (userId !== null) audit(c, { type: 'logout', userId });
  const policy = cookiePolicy(c);
  deleteCookie(c, policy.name(SESSION_COOKIE), policy.options);
  rememberSession(c, '', null);
}

/** The session token in force for this request: one started or ended during it, else the cookie's (or ''). */
export function sessionToken(c: Context<AppEnv>): string {
  return c.get('sessionToken') ?? getCookie(c, cookiePolicy(c).name(SESSION_COOKIE)) ?? '';
}

function rememberSession(c: Context<AppEnv>, token: string, session: ActiveSession | null): void {
  c.set('sessionToken', token);
  c.set('session', Promise.resolve(session));
  // CSRF tokens are bound to the session token (middleware/csrf.ts): one computed earlier in this request is stale.
  c.set('csrfToken', undefined);
}

async function loadSession(c: Context<AppEnv>): Promise<ActiveSession | null> {
  const token = sessionToken(c);
  if (!token) return null;
  const session = await c.get('stores').sessions.findActive(token, Math.floor(Date.now() / 1000));
  return session && !session.user.disabled ? session : null;
}
