// CSRF protection for every HTML form and every cookie-authenticated post, in two layers: a post whose Origin or
// Sec-Fetch-Site is not this origin is refused, and each form carries a `csrf_token` that must match the CSRF cookie
// and session.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { base64url } from 'jose';
import { OAuthError } from '../../oauth/errors';
import { COPY } from '../../pages/copy';
import { CSRF_FIELD } from '../../pages/layout';
import { generateOpaqueToken } from '../../tokens/opaque';
import type { AppEnv } from '../context';
import { cookiePolicy } from '../cookies';
import { readForm } from '../form';
import { isFormRequest } from '../media-type';
import { sessionToken } from './session';
import { stringsEqual } from '../../tokens/constant-time';

const CSRF_COOKIE = 'portcullis_csrf';
const COOKIE_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const encoder = new TextEncoder();

/**
 * The token for the forms of this response. It is HMAC(cookie secret, session token): a random per-browser secret
 * in an HttpOnly cookie, bound to the login session, so a token from before a login or another browser fails.
 */
export async function csrfToken(c: Context<AppEnv>): Promise<string> {
  const cached = c.get('csrfToken');
  if (cached) return cached;
  const policy = cookiePolicy(c);
  let secret = getCookie(c, policy.name(CSRF_COOKIE));
  if (!secret || !COOKIE_SECRET_PATTERN.test(secret)) {
    secret = generateOpaqueToken();
    // No Max-Age: it lives as long as the browser session, and a new one is simply minted when it is gone.
    setCookie(c, policy.name(CSRF_COOKIE), secret, policy.options);
  }
  const token = await sign(secret, sessionToken(c));
  c.set('csrfToken', token);
  return token;
}

/**
 * Guards the unsafe methods of page routes, whatever the body's content type: the request must come from this origin
 * (Origin, or Sec-Fetch-Site: same-origin) and carry the form's token. A browser cannot send JSON across origins
 * without a CORS preflight, but the server does not rely on that: a body that is not a form has no token, so it is
 * refused. (The JSON sign-up, which no cookie authenticates, is routed around this; http/signup.tsx.)
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async function csrfProtectionMiddleware(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (!isSameOrigin(c)) throw refused();
    const presented = isFormRequest(c) ? (await readForm(c)).get(CSRF_FIELD) : undefined;
    if (!(await tokenMatches(c, presented))) throw refused();
    await next();
  };
}

// Hono's csrf() rule, applied to every content type: hono/csrf checks only the types an HTML form can send.
function isSameOrigin(c: Context<AppEnv>): boolean {
  return c.req.header('origin') === new URL(c.req.url).origin || c.req.header('sec-fetch-site') === 'same-origin';
}

async function tokenMatches(c: Context<AppEnv>, presented: string | undefined): Promise<boolean> {
  const secret = getCookie(c, cookiePolicy(c).name(CSRF_COOKIE));
  if (!presented || !secret || !COOKIE_SECRET_PATTERN.test(secret)) return false;
  return stringsEqual(presented, await sign(secret, sessionToken(c)));
}

async function sign(secret: string, session: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`portcullis-csrf-v1\0${session}`));
  return base64url.encode(new Uint8Array(mac));
}

function refused(): OAuthError {
  return new OAuthError('invalid_request', COPY.errors.csrf, { status: 403 });
}
