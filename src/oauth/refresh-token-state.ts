// Where a stored refresh token stands (RFC 6749 §6, RFC 9700 §4.14.2), judged the same way by the grant and
// by introspection; the store's rotate() applies the same condition atomically.
import type { RefreshToken } from '../storage/types';

export type RefreshTokenState = 'usable' | 'rotated' | 'revoked' | 'expired';

export function refreshTokenState(token: RefreshToken, nowSeconds: number): RefreshTokenState {
  if (token.rotatedAt !== null) return 'rotated';
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt <= nowSeconds || token.grantExpiresAt <= nowSeconds) return 'expired';
  return 'usable';
}
