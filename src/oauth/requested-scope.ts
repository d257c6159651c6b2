// The scope of a request made for a user (the authorization endpoint, the password grant), RFC 6749 §3.3: what was
// asked for, if the client may ask for all of it; without a scope parameter, the client's registered API scopes.
import type { Config } from '../config';
import type { Client } from '../storage/types';
import { REGISTRABLE_OPENID_SCOPES } from './registrable-scopes';
import { OAuthError } from './errors';
import { isOpenRegistration } from './registrant';
import { narrowScope, parseScope } from './scope';
import { scopesOfferedTo } from './scope-definitions';

const OPENID_SCOPES: readonly string[] = REGISTRABLE_OPENID_SCOPES;

/**
 * The default leaves the OpenID scopes out: `openid` makes the request an OpenID Connect one (with its own rules)
 * and `offline_access` a long-lived grant, neither of which a client should get without asking (OIDC Core §11).
 */
export function requestedUserScopes(
  scope: string | undefined,
  clientScopes: readonly string[],
  ceiling: readonly string[] = clientScopes,
): string[] {
  const scopes = narrowScope(
    parseScope(scope),
    scope === undefined ? clientScopes.filter((item) => !OPENID_SCOPES.includes(item)) : ceiling,
  );
  if (scopes.length === 0) throw new OAuthError('invalid_scope', 'scope is required: this client has no default scope');
  return scopes;
}

/**
 * Step-up (docs/mcp.md): a client registered under the open policy registers only the scope of its first challenge
 * and never updates it (the MCP SDK does this), so its registered `scope` is a default, not a ceiling: it may ask for
 * any scope offered to its kind of client, which the user must then consent to. Clients the operator or a developer
 * set up keep their registered scopes as the ceiling.
 */
export function requestableScopes(client: Client, config: Config): readonly string[] {
  if (!isOpenRegistration(client)) return client.scopes;
  return [...new Set([...client.scopes, ...scopesOfferedTo(config.scopes, client.type), ...OPENID_SCOPES])];
}
