// What the passkey routes share: the cookie that binds a pending WebAuthn ceremony to the browser it was started in
// (the token whose hash keys the ceremony in D1, HttpOnly, living as long as the challenge; one ceremony per browser
// at a time, a new one replaces it), the relying party of the request's issuer, and refusals as 400s.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { CEREMONY_TTL_SECONDS, PasskeyError } from '../accounts/passkey-ceremony';
import { relyingPartyFor, type RelyingParty } from '../accounts/webauthn-relying-party';
import { OAuthError } from '../oauth/errors';
import { enforceRateLimit, type RateLimit } from '../oauth/rate-limit';
import type { PasskeySignInProps } from '../pages/passkey-sign-in';
import { COPY } from '../pages/copy';
import type { AppEnv } from './context';
import { clientAddress } from './client-address';
import { cookiePolicy } from './cookies';
import { allowFetchToSelf, allowInlineScript } from './middleware/html-page';

const CEREMONY_COOKIE = 'portcullis_webauthn';

export function rememberCeremony(c: Context<AppEnv>, token: string): void {
  const policy = cookiePolicy(c);
  setCookie(c, policy.name(CEREMONY_COOKIE), token, { ...policy.options, maxAge: CEREMONY_TTL_SECONDS });
}

/** The browser's ceremony token, and the cookie cleared: the ceremony is consumed whatever happens next. */
export function takeCeremonyToken(c: Context<AppEnv>): string | undefined {
  const policy = cookiePolicy(c);
  const token = getCookie(c, policy.name(CEREMONY_COOKIE));
  if (token !== undefined) deleteCookie(c, policy.name(CEREMONY_COOKIE), policy.options);
  return token;
}

/** The relying party of this request's issuer, or null where passkeys cannot work (an IP address). */
export function relyingParty(c: Context<AppEnv>): RelyingParty | null {
  return relyingPartyFor(c.get('issuer'), COPY.product);
}

/** The relying party, or a refusal where there is none. */
export function requireRelyingParty(c: Context<AppEnv>): RelyingParty {
  const party = relyingParty(c);
  if (!party) throw new PasskeyError('unavailable');
  return party;
}

/** A refused ceremony as the 400 page or JSON answer every route gives it (app.ts onError), never a 500. */
export function passkeyRefusal(error: PasskeyError): OAuthError {
  return new OAuthError('invalid_request', COPY.passkeys.problems[error.problem], { status: 400 });
}

/** Runs a ceremony step, answering its refusal as passkeyRefusal does. */
export async function refusingPasskeyErrors<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw error instanceof PasskeyError ? passkeyRefusal(error) : error;
  }
}

/**
 * Ceremonies started per client address: each one is a D1 row, so a script cannot fill the table. Generous for a
 * person (a login page starts one on load and one per button press).
 */
export const CEREMONY_RATE_LIMIT: RateLimit = { limit: 30, windowSeconds: 60 };

/**
 * The options endpoints, fetched by the page's script: their errors answer JSON, which it shows, and they are
 * rate-limited per address.
 */
export async function ceremonyOptions(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
  c.set('errorFormat', 'json');
  const address = clientAddress(c) ?? 'unknown';
  await enforceRateLimit(c.get('stores').rateLimits, `webauthn:ip:${address}`, CEREMONY_RATE_LIMIT);
  await next();
}

/** The login (and sign-up) page's passkey part; its scripts, where it has them, run by this response's nonce. */
export function passkeySignIn(c: Context<AppEnv>, csrfToken: string, returnTo: string): PasskeySignInProps {
  const available = relyingParty(c) !== null;
  return { available, csrfToken, returnTo, scriptNonce: available ? passkeyScriptNonce(c) : '' };
}

/** The nonce of the passkey scripts, which fetch their options from this origin. */
export function passkeyScriptNonce(c: Context<AppEnv>): string {
  allowFetchToSelf(c);
  return allowInlineScript(c);
}

/** The name of a passkey its user did not name: when it was added (YYYY-MM-DD, UTC). */
export function defaultPasskeyName(nowSeconds: number): string {
  return COPY.passkeys.defaultName(new Date(nowSeconds * 1000).toISOString().slice(0, 10));
}
