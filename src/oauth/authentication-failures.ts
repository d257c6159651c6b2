// Bounds failed client authentication (RFC 6819 §5.1.4.2.3, §5.2.3.1; issue 8): each failure is counted per client
// id and address, and past the limit a failure answers 429 instead of 401. A correct credential is never refused, so
// nobody can lock a client out by failing in its name; successes cost no counter write.
import type { RateLimitStore } from '../storage/types';
import { enforceRateLimit, type RateLimit } from './rate-limit';

export interface FailureCounter {
  store: RateLimitStore;
  limit: RateLimit;
  /** The unit the caller is counted by (an IPv4 address, an IPv6 /64); undefined when unknown (local runs). */
  clientAddress: string | undefined;
}

/** What failed: client authentication at token/revocation/introspection, or an RFC 7592 registration token. */
export type FailedCredential = 'client-auth' | 'client-management';

/**
 * Counts one failure for `clientId` (null for an id that does not exist: all such ids share one count per address,
 * so random ids cannot fill D1) and throws 429 temporarily_unavailable once the window holds more than the limit.
 */
export function countAuthenticationFailure(
  counter: FailureCounter,
  credential: FailedCredential,
  clientId: string | null,
): Promise<void> {
  const address = counter.clientAddress ?? 'unknown';
  return enforceRateLimit(counter.store, `${credential}:${clientId ?? '?'}:${address}`, counter.limit);
}
