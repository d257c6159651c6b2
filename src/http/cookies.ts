// Names and attributes of the cookies the pages set (RFC 6265bis). On https they carry the __Host- prefix, so the
// browser only accepts them Secure, host-only and Path=/: no sibling subdomain can plant or overwrite them.
import type { Context } from 'hono';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AppEnv } from './context';

export interface CookiePolicy {
  /** The cookie's name for this deployment: `__Host-<base>` on https, `<base>` on http. */
  name(base: string): string;
  /** HttpOnly, SameSite=Lax, Path=/, and Secure on https. */
  options: CookieOptions;
}

/**
 * On an http issuer (only allowed for localhost and 127.0.0.1, see config.ts) cookies are neither Secure nor
 * __Host-: some browsers (Safari) drop Secure cookies set over http even on localhost, and __Host- requires Secure.
 * Lax, not Strict: the session must reach the authorization endpoint on the top-level navigation from a client.
 */
export function cookiePolicy(c: Context<AppEnv>): CookiePolicy {
  const secure = new URL(c.get('issuer')).protocol === 'https:';
  return {
    name: (base) => (secure ? `__Host-${base}` : base),
    options: { path: '/', httpOnly: true, secure, sameSite: 'Lax' },
  };
}
