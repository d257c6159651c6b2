// CSRF protection for every HTML form, in two layers: Hono's csrf middleware refuses form posts whose Origin or
// Sec-Fetch-Site is not this origin, and each form carries a `csrf_token` that must match the CSRF cookie and session.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { base64url } from 'jose';
import { OAuthError } from '../../oauth/errors';
import { COPY } from '../../pages/copy';
import { CSRF_FIELD } from '../../pages/layout';
import { generateOpaqueToken } from '../../tokens/opaque';
import type { AppEnv } from '../context';
import { cookiePolicy } from '../cookies';
import { readForm } from '../form';
import { isJsonRequest } from '../media-type';
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
 * Guards the unsafe methods of page routes. JSON requests (the JSON sign-up) need no token: a browser cannot send
 * application/json across origins without a CORS preflight, and these routes answer none.
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  const sameOrigin = csrf();
  return async function csrfProtectionMiddleware(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    try {
      await sameOrigin(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException) throw refused();
      throw error;
    }
    if (!isJsonRequest(c) && !(await tokenMatches(c, (await readForm(c)).get(CSRF_FIELD)))) throw refused();
    await next();
  };
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
