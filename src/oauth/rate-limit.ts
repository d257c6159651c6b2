// Fixed-window rate limiting over a RateLimitStore: the request over the limit is refused with 429 and Retry-After
// (RFC 6585 §4, RFC 9110 §10.2.3), in the OAuth error shape with the `temporarily_unavailable` code.
import type { RateLimitStore } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { OAuthError } from './errors';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** Counts one request under `key`; throws once the window holds more than `limit` of them. */
export async function enforceRateLimit(store: RateLimitStore, key: string, rateLimit: RateLimit): Promise<void> {
  const retryAfterSeconds = await countRequest(store, key, rateLimit);
  if (retryAfterSeconds !== null) throw rateLimitExceeded(retryAfterSeconds);
}

/** The 429 answer to a request over its limit. */
export function rateLimitExceeded(retryAfterSeconds: number): OAuthError {
  return new OAuthError('temporarily_unavailable', `too many requests; retry after ${retryAfterSeconds} seconds`, {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/** Counts one request under `key`: null while the window holds at most `limit`, else the seconds until it ends. */
export async function countRequest(
  store: RateLimitStore,
  key: string,
  { limit, windowSeconds }: RateLimit,
): Promise<number | null> {
  const now = epochSeconds();
  const { count, windowStartedAt } = await store.hit(key, windowSeconds, now);
  return count <= limit ? null : Math.max(1, windowStartedAt + windowSeconds - now);
}
