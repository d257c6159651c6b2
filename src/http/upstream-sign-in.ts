// Sending the browser to an upstream OpenID provider and taking it back: the attempt's secret in a short-lived
// HttpOnly cookie (state, nonce and PKCE verifier derive from it, oauth/upstream/authorization-secret.ts), the
// pending sign-in in D1 under the hash of its state, and both spent by the first callback that presents them.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OAuthError } from '../oauth/errors';
import { enforceRateLimit, type RateLimit } from '../oauth/rate-limit';
import { upstreamRequestValues, type UpstreamRequestValues } from '../oauth/upstream/authorization-secret';
import type { UpstreamProvider } from '../oauth/upstream/providers';
import { UPSTREAM_SIGN_IN_TTL_SECONDS } from '../oauth/upstream/relying-party';
import type { PendingUpstreamSignIn } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken } from '../tokens/opaque';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { cookiePolicy } from './cookies';

const UPSTREAM_COOKIE = 'portcullis_upstream';

/** Upstream sign-ins one client address may start per window: each writes a D1 row, which a script must not flood. */
export const UPSTREAM_SIGN_IN_RATE_LIMIT: RateLimit = { limit: 30, windowSeconds: 10 * 60 };

/** The provider named in the path, or a 404 page: only configured providers have routes. */
export function upstreamProvider(c: Context<AppEnv>): UpstreamProvider {
  const id = c.req.param('provider');
  const provider = c.get('config').upstreamProviders.find((candidate) => candidate.id === id);
  if (!provider) throw new OAuthError('not_found', 'no such upstream identity provider');
  return provider;
}

/** The redirect URI registered at the upstream for this provider (one for sign-ins and links alike). */
export function upstreamRedirectUri(c: Context<AppEnv>, provider: UpstreamProvider): string {
  return `${c.get('issuer')}/upstream/${provider.id}/callback`;
}

/** Starts a sign-in (or, with `linkUserId`, a link) at the upstream: a 303 to its authorization endpoint. */
export async function redirectToUpstream(
  c: Context<AppEnv>,
  provider: UpstreamProvider,
  signIn: Omit<PendingUpstreamSignIn, 'providerId'>,
): Promise<Response> {
  const address = clientAddress(c) ?? 'unknown';
  await enforceRateLimit(c.get('stores').rateLimits, `upstream:ip:${address}`, UPSTREAM_SIGN_IN_RATE_LIMIT);
  const secret = generateOpaqueToken();
  const values = await upstreamRequestValues(secret);
  const url = await c.get('upstream').authorizationUrl(provider, upstreamRedirectUri(c, provider), values);
  await c
    .get('stores')
    .upstreamSignIns.create(
      values.stateHash,
      { ...signIn, providerId: provider.id },
      epochSeconds() + UPSTREAM_SIGN_IN_TTL_SECONDS,
    );
  // Lax, so it comes back on the upstream's top-level redirect to the callback; a new attempt replaces it, so only
  // the latest attempt of a browser can finish.
  const policy = cookiePolicy(c);
  setCookie(c, policy.name(UPSTREAM_COOKIE), secret, { ...policy.options, maxAge: UPSTREAM_SIGN_IN_TTL_SECONDS });
  return c.redirect(url.toString(), 303);
}

/**
 * The callback's attempt: the cookie's values and the pending sign-in they name, both used up now whatever the
 * outcome. A callback in another browser, after the lifetime, or a second time, is refused.
 */
export async function takePendingSignIn(
  c: Context<AppEnv>,
  provider: UpstreamProvider,
): Promise<{ values: UpstreamRequestValues; pending: PendingUpstreamSignIn }> {
  const policy = cookiePolicy(c);
  const secret = getCookie(c, policy.name(UPSTREAM_COOKIE));
  deleteCookie(c, policy.name(UPSTREAM_COOKIE), policy.options);
  const refused = new OAuthError(
    'invalid_request',
    `this sign-in with ${provider.name} was not started in this browser, was used already, or took too long; start again from the sign-in page`,
  );
  if (!secret) throw refused;
  const values = await upstreamRequestValues(secret);
  const pending = await c.get('stores').upstreamSignIns.consume(values.stateHash, epochSeconds());
  if (!pending || pending.providerId !== provider.id) throw refused;
  return { values, pending };
}
