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
export async function enforceRateLimit(
  store: RateLimitStore,
  key: string,
  { limit, windowSeconds }: RateLimit,
): Promise<void> {
  const now = epochSeconds();
  const { count, windowStartedAt } = await store.hit(key, windowSeconds, now);
  if (count <= limit) return;
  const retryAfterSeconds = Math.max(1, windowStartedAt + windowSeconds - now);
  throw new OAuthError('temporarily_unavailable', `too many requests; retry after ${retryAfterSeconds} seconds`, {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}
