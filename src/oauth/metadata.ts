// Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3): what this issuer implements now,
// and nothing it does not.
import type { Config } from '../config';
import type { SigningAlgorithm } from '../tokens/keys';
import { ACR_VALUES_SUPPORTED } from './authentication-context';
import { PROMPT_VALUES } from './authorize-request';
import { CLAIMS_SUPPORTED } from './claims';
import { enabledAuthMethods } from './client-auth';
import { ASYMMETRIC_SIGNING_ALGORITHMS, HMAC_SIGNING_ALGORITHMS } from './client-key-metadata';
import { REGISTRABLE_OPENID_SCOPES } from './registrable-scopes';
import { SUPPORTED_GRANT_TYPES } from './grants';
import { CODE_CHALLENGE_METHODS } from './pkce';
import { REQUEST_OBJECT_SIGNING_ALGORITHMS } from './request-object';

export function buildServerMetadata(
  issuer: string,
  config: Config,
  algorithms: readonly SigningAlgorithm[],
): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    end_session_endpoint: `${issuer}/oauth/logout`,
    device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
    pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
    // RFC 9126 §5; a client may also require it for itself (require_pushed_authorization_requests).
    require_pushed_authorization_requests: config.requirePushedAuthorizationRequests,
    ...(config.registrationPolicy === 'closed' ? {} : { registration_endpoint: `${issuer}/oauth/register` }),
    // draft-ietf-oauth-client-id-metadata-document §5: an https URL client_id names the client's metadata document.
    ...(config.clientMetadataDocuments.enabled ? { client_id_metadata_document_supported: true } : {}),
    scopes_supported: [...REGISTRABLE_OPENID_SCOPES, ...config.apiScopes],
    // The code flow only: no implicit or hybrid response types (RFC 9700 §2.1.2), and responses in the query.
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    prompt_values_supported: PROMPT_VALUES,
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    // OIDC Core §5.5, with `essential` (an essential acr that cannot be met fails the request).
    claims_parameter_supported: true,
    // RFC 9101: signed request objects by value; request_uri only as PAR issues it, never fetched by reference.
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: REQUEST_OBJECT_SIGNING_ALGORITHMS,
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    // `none`: public clients redeem codes and refresh tokens with PKCE and rotation instead of a secret.
    token_endpoint_auth_methods_supported: enabledAuthMethods(config),
    token_endpoint_auth_signing_alg_values_supported: assertionSigningAlgorithms(config),
    // RFC 7009 §5 lets public clients revoke their tokens; introspection needs a real credential (RFC 7662 §2.1).
    revocation_endpoint_auth_methods_supported: enabledAuthMethods(config),
    revocation_endpoint_auth_signing_alg_values_supported: assertionSigningAlgorithms(config),
    introspection_endpoint_auth_methods_supported: enabledAuthMethods(config).filter((method) => method !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: assertionSigningAlgorithms(config),
    code_challenge_methods_supported: CODE_CHALLENGE_METHODS,
    subject_types_supported: ['public'],
    // Any key's algorithm may be registered as id_token_signed_response_alg; RS256 is the default when the set has it.
    id_token_signing_alg_values_supported: algorithms,
    claims_supported: CLAIMS_SUPPORTED,
    acr_values_supported: ACR_VALUES_SUPPORTED,
    // Both are the same page, which fits a popup window as well as a full one (OIDC Core §3.1.2.1).
    display_values_supported: ['page', 'popup'],
    // OIDC Core §5.3.2, for clients registered with userinfo_signed_response_alg; otherwise userinfo is plain JSON.
    userinfo_signing_alg_values_supported: algorithms,
    // RFC 9068 access tokens are signed with the first key of the set.
    access_token_signing_alg_values_supported: algorithms,
    // RFC 9449 §5.1: the token endpoint and userinfo accept DPoP proofs signed with these.
    dpop_signing_alg_values_supported: config.dpop.algorithms,
  };
}

/** The algorithms client assertions may use: HMAC only while client_secret_jwt is on. */
function assertionSigningAlgorithms(config: Config): string[] {
  return [...ASYMMETRIC_SIGNING_ALGORITHMS, ...(config.clientSecretEncryptionKey ? HMAC_SIGNING_ALGORITHMS : [])];
}
