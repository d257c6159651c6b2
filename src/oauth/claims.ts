// OpenID Connect scopes and the user claims they release (OIDC Core §5.4), shared by ID Tokens and userinfo.
import type { User } from '../storage/types';

/** Every claim this issuer may put in an ID Token or a userinfo response (OIDC Discovery `claims_supported`). */
export const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'azp',
  'preferred_username',
  'email',
  'email_verified',
] as const;

/** The claims the granted scopes release about this user; `sub` is added by the caller. */
export function userClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  return {
    ...(scopes.includes('profile') ? { preferred_username: user.username } : {}),
    // A user without an email has nothing to release; email_verified alone would describe no address.
    ...(scopes.includes('email') && user.email !== null
      ? { email: user.email, email_verified: user.emailVerified }
      : {}),
  };
}
