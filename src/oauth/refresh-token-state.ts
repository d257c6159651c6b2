// Where a stored refresh token stands (RFC 6749 §6, RFC 9700 §4.14.2), judged the same way by the grant and
// by introspection; the store's rotate() applies the same condition atomically.
import type { RefreshToken } from '../storage/types';

/** `reusable`: rotated, but within the reuse interval, and otherwise usable: its client gets a sibling token. */
export type RefreshTokenState = 'usable' | 'reusable' | 'rotated' | 'revoked' | 'expired';

export function refreshTokenState(
  token: RefreshToken,
  nowSeconds: number,
  reuseIntervalSeconds = 0,
): RefreshTokenState {
  const rotated = token.rotatedAt !== null;
  if (rotated && !withinReuseInterval(token.rotatedAt, nowSeconds, reuseIntervalSeconds)) return 'rotated';
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt <= nowSeconds || token.grantExpiresAt <= nowSeconds) return 'expired';
  return rotated ? 'reusable' : 'usable';
}

/**
 * Measured from the token's own rotation, which a reuse never moves, so replays cannot stretch the window. The
 * store's rotate() states the same in SQL.
 */
function withinReuseInterval(rotatedAt: number | null, nowSeconds: number, reuseIntervalSeconds: number): boolean {
  return reuseIntervalSeconds > 0 && rotatedAt !== null && rotatedAt > nowSeconds - reuseIntervalSeconds;
}
