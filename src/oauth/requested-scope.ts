// The scope of a request made for a user (the authorization endpoint, the password grant), RFC 6749 §3.3: what was
// asked for, if the client may ask for all of it; without a scope parameter, the client's API scopes.
import { REGISTRABLE_OPENID_SCOPES } from './client-metadata';
import { OAuthError } from './errors';
import { narrowScope, parseScope } from './scope';

const OPENID_SCOPES: readonly string[] = REGISTRABLE_OPENID_SCOPES;

/**
 * The default leaves the OpenID scopes out: `openid` makes the request an OpenID Connect one (with its own rules)
 * and `offline_access` a long-lived grant, neither of which a client should get without asking (OIDC Core §11).
 */
export function requestedUserScopes(scope: string | undefined, clientScopes: readonly string[]): string[] {
  const scopes = narrowScope(
    parseScope(scope),
    scope === undefined ? clientScopes.filter((item) => !OPENID_SCOPES.includes(item)) : clientScopes,
  );
  if (scopes.length === 0) throw new OAuthError('invalid_scope', 'scope is required: this client has no default scope');
  return scopes;
}
