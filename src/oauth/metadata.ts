// Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3): what this issuer implements now,
// and nothing it does not.
import type { Config } from '../config';
import type { KeyRing } from '../tokens/keys';
import { SUPPORTED_GRANT_TYPES } from './grants';

export function buildServerMetadata(issuer: string, config: Config, keys: KeyRing): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    ...(config.registrationPolicy === 'closed' ? {} : { registration_endpoint: `${issuer}/oauth/register` }),
    scopes_supported: [...config.apiScopes],
    // RFC 8414 §2 requires this member; no response type exists until the authorization endpoint does.
    response_types_supported: [],
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    // RFC 9068 access tokens are signed with the first key of the set.
    access_token_signing_alg_values_supported: keys.algorithms,
  };
}
