// The RFC 9068 §2.2 claims of a verified access token, their type checks, and the scope helpers a resource
// server uses after verification (RFC 6749 §3.3 scope syntax, RFC 6750 §3.1 insufficient_scope).
import { VerifyError } from './errors.js';

/** The claims of a verified JWT access token (RFC 9068 §2.2), frozen. Unknown claims are kept as sent. */
export interface AccessTokenClaims {
  readonly iss: string;
  /** The resource owner, or the client itself when no user is involved (client_credentials). */
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  /** Space-separated granted scopes; absent when none were granted. */
  readonly scope?: string;
  readonly nbf?: number;
  readonly auth_time?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  readonly [claim: string]: unknown;
}

/** Claims every RFC 9068 access token carries (§2.2); `requiredClaims` adds to these. */
export const RFC9068_REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

const STRING_CLAIMS = ['sub', 'client_id', 'jti', 'scope'] as const;

/**
 * Checks what jose's claim validation leaves open: the types of the string claims, and that `iat` is not in the
 * future (jose checks `iat` only together with a maximum token age). Returns the claims frozen, since a cached
 * copy is shared by every request that presents the same token.
 */
export function checkAccessTokenClaims(
  payload: Record<string, unknown>,
  clockToleranceSeconds: number,
): AccessTokenClaims {
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw new VerifyError('ERR_CLAIM_INVALID', `the ${claim} claim of the access token is not a string`, { claim });
    }
  }
  const iat = payload.iat;
  if (typeof iat !== 'number' || typeof payload.exp !== 'number') {
    throw new VerifyError('ERR_CLAIM_INVALID', 'the iat and exp claims of the access token must be numbers', {
      claim: 'iat',
    });
  }
  if (iat > Date.now() / 1000 + clockToleranceSeconds) {
    throw new VerifyError('ERR_TOKEN_NOT_YET_VALID', 'the access token was issued in the future', { claim: 'iat' });
  }
  return deepFreeze(payload) as AccessTokenClaims;
}

/** The granted scopes as a list (RFC 6749 §3.3: space-delimited, order does not matter). */
export function scopesOf(claims: AccessTokenClaims): string[] {
  return claims.scope === undefined ? [] : claims.scope.split(' ').filter((scope) => scope !== '');
}

/** Throws ERR_INSUFFICIENT_SCOPE unless the token was granted every one of `required`. */
export function requireScopes(claims: AccessTokenClaims, required: readonly string[]): void {
  const granted = new Set(scopesOf(claims));
  if (required.every((scope) => granted.has(scope))) return;
  throw new VerifyError(
    'ERR_INSUFFICIENT_SCOPE',
    `the access token lacks the scope this request requires: ${required.join(' ')}`,
    {
      requiredScopes: required,
    },
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
