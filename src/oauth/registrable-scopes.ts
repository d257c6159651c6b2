// The scopes a client may register (RFC 7591 §2 `scope`): the operator's API scopes its kind of client may have, and
// the OpenID Connect scopes; and what a client registered without `scope` gets.
import type { ClientType } from '../storage/types';
import type { ClientMetadataPolicy } from './client-metadata';
import { OAuthError } from './errors';
import { parseScope } from './scope';

/** OpenID Connect scopes (OIDC Core §5.4, §11) a client may register besides the API scopes. */
export const REGISTRABLE_OPENID_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The API scopes a client of this type may register: public clients not the confidential-only ones. */
export function registrableApiScopes(type: ClientType, policy: ClientMetadataPolicy): readonly string[] {
  if (type === 'confidential') return policy.apiScopes;
  return policy.apiScopes.filter((scope) => !policy.confidentialOnlyScopes?.includes(scope));
}

/** The registered `scope` member as a list; every scope must be one this server offers to the client. */
export function checkRegisteredScopes(
  scope: string | null | undefined,
  apiScopes: readonly string[],
  grantTypes: string[],
): string[] {
  if (scope == null) return defaultScopes(apiScopes, grantTypes);
  let scopes: string[];
  try {
    scopes = parseScope(scope) ?? [];
  } catch {
    throw scopeError('must be a space-separated list of scope tokens');
  }
  const registrable: readonly string[] = [...apiScopes, ...REGISTRABLE_OPENID_SCOPES];
  const unknown = scopes.filter((item) => !registrable.includes(item));
  if (unknown.length > 0) {
    throw scopeError(
      `lists scopes this server does not offer: ${unknown.join(' ')} (offered: ${registrable.join(' ')})`,
    );
  }
  return scopes;
}

/**
 * The scopes of a client registered without `scope` (OIDC Dynamic Registration has no such member): every API scope,
 * and for a client that acts for users the OpenID scopes, `offline_access` only when it may use refresh tokens.
 */
export function defaultScopes(apiScopes: readonly string[], grantTypes: readonly string[]): string[] {
  const actsForUsers = grantTypes.includes('authorization_code') || grantTypes.includes('password');
  if (!actsForUsers) return [...apiScopes];
  const offline = grantTypes.includes('refresh_token') ? ['offline_access'] : [];
  return [...apiScopes, 'openid', 'profile', 'email', ...offline];
}

function scopeError(problem: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `scope ${problem}`);
}
