// Client metadata of the registration endpoints (RFC 7591 §2, RFC 7592 §2.2): the rules between the members (grant
// and response types, redirect URIs, origins, algorithms) that turn the parsed fields (client-metadata-shape.ts) into
// the registrable fields of a Client record, and the Client back into the metadata it is answered with.
import { isLoopbackHost } from '../config';
import type { Client, ClientType } from '../storage/types';
import { type MetadataFields, parseFields } from './client-metadata-shape';
import { checkClientKeyMetadata } from './client-key-metadata';
import { OAuthError } from './errors';
import { redirectUriProblem } from './redirect-uri';
import { checkRegisteredScopes, registrableApiScopes } from './registrable-scopes';

/** OAuth 2.1 keeps only the code flow: the implicit (`token`) and hybrid response types are gone. */
const SUPPORTED_RESPONSE_TYPES = ['code'];
/** RFC 7591 §2 members kept as sent in Client.metadata, in the order they are answered. */
const EXTRA_MEMBERS = [
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'contacts',
  'post_logout_redirect_uris',
  'software_id',
  'software_version',
  'id_token_signed_response_alg',
  'userinfo_signed_response_alg',
  // RFC 9449 §5.2: true makes every token request of the client need a DPoP proof (oauth/dpop.ts).
  'dpop_bound_access_tokens',
] as const;

/** The members naming a signing algorithm, with the discovery member that lists the algorithms each may take. */
const SIGNING_ALG_MEMBERS = [
  ['id_token_signed_response_alg', 'id_token_signing_alg_values_supported'],
  ['userinfo_signed_response_alg', 'userinfo_signing_alg_values_supported'],
] as const;

export interface ClientMetadataPolicy {
  /** The grant types the token endpoint implements now (oauth/grants SUPPORTED_GRANT_TYPES). */
  supportedGrantTypes: readonly string[];
  apiScopes: readonly string[];
  /** API scopes public clients may not have (SCOPES `public_clients: false`). */
  confidentialOnlyScopes?: readonly string[];
  /**
   * Whether the legacy password grant may be registered: only for first-party clients set up by the operator (admin
   * CLI, or registration with the operator's initial access token), since it hands users' passwords to the client.
   */
  allowsPasswordGrant: boolean;
  /**
   * What `id_token_signed_response_alg` and `userinfo_signed_response_alg` may be: the key set's algorithms, which
   * discovery lists as id_token_signing_alg_values_supported and userinfo_signing_alg_values_supported.
   */
  idTokenSigningAlgorithms: readonly string[];
}

/** Validated metadata: the fields of a Client that registration and RFC 7592 updates set. */
export type ClientMetadata = Pick<
  Client,
  | 'name'
  | 'type'
  | 'tokenEndpointAuthMethod'
  | 'redirectUris'
  | 'grantTypes'
  | 'responseTypes'
  | 'allowedOrigins'
  | 'scopes'
  | 'metadata'
>;

/**
 * Validates RFC 7591 §2 metadata and applies its defaults. Throws `invalid_redirect_uri` for a bad redirect URI
 * and `invalid_client_metadata` for anything else (RFC 7591 §3.2.2), naming the member at fault.
 */
export function validateClientMetadata(input: unknown, policy: ClientMetadataPolicy): ClientMetadata {
  const fields = parseFields(input);
  const tokenEndpointAuthMethod = fields.token_endpoint_auth_method ?? 'client_secret_basic';
  const type: ClientType = tokenEndpointAuthMethod === 'none' ? 'public' : 'confidential';
  // RFC 7591 §2: grant_types defaults to authorization_code.
  const grantTypes = checkGrantTypes(unique(fields.grant_types ?? ['authorization_code']), type, policy);
  return {
    name: fields.client_name ?? '',
    type,
    tokenEndpointAuthMethod,
    grantTypes,
    responseTypes: checkResponseTypes(fields.response_types, grantTypes),
    redirectUris: checkRedirectUris(fields.redirect_uris ?? [], grantTypes, type),
    allowedOrigins: checkOrigins(fields.allowed_origins ?? []),
    scopes: checkRegisteredScopes(fields.scope, registrableApiScopes(type, policy), grantTypes),
    metadata: { ...extraMetadata(fields, type, policy), ...checkClientKeyMetadata(fields, tokenEndpointAuthMethod) },
  };
}

/** The registered metadata as RFC 7591 §3.2.1 echoes it (snake_case members, scope space-separated). */
export function clientMetadataOf(client: Client): Record<string, unknown> {
  return {
    ...(client.name === '' ? {} : { client_name: client.name }),
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    scope: client.scopes.join(' '),
    allowed_origins: client.allowedOrigins,
    ...client.metadata,
  };
}

function checkGrantTypes(grantTypes: string[], type: ClientType, policy: ClientMetadataPolicy): string[] {
  const supported = policy.supportedGrantTypes;
  if (grantTypes.length === 0) throw metadataError('grant_types', 'must list at least one grant type');
  const unsupported = grantTypes.filter((grantType) => !supported.includes(grantType));
  if (unsupported.length > 0) {
    throw metadataError(
      'grant_types',
      `lists grant types this server does not support: ${unsupported.join(', ')} (supported: ${supported.join(', ')})`,
    );
  }
  // RFC 6749 §4.4: the client credentials grant is for confidential clients only, and so is the password grant here
  // (oauth/grants/password.ts).
  for (const confidentialOnly of ['client_credentials', 'password']) {
    if (type === 'public' && grantTypes.includes(confidentialOnly)) {
      throw metadataError(
        'grant_types',
        `may include ${confidentialOnly} only for confidential clients (token_endpoint_auth_method none is a public client)`,
      );
    }
  }
  // RFC 9700 §2.4: the password grant MUST NOT be used; we keep it only for operator-trusted first-party apps.
  if (grantTypes.includes('password') && !policy.allowsPasswordGrant) {
    throw metadataError(
      'grant_types',
      'may include password only for first-party clients registered by the operator (admin CLI or initial access token)',
    );
  }
  return grantTypes;
}

function checkResponseTypes(requested: string[] | null | undefined, grantTypes: string[]): string[] {
  const usesCode = grantTypes.includes('authorization_code');
  // RFC 7591 §2's default ["code"] would contradict grant types without authorization_code, so derive it.
  if (requested == null) return usesCode ? ['code'] : [];
  const responseTypes = unique(requested);
  const unsupported = responseTypes.filter((responseType) => !SUPPORTED_RESPONSE_TYPES.includes(responseType));
  if (unsupported.length > 0) {
    throw metadataError(
      'response_types',
      `lists response types this server does not support: ${unsupported.join(', ')} (supported: code)`,
    );
  }
  // RFC 7591 §2.1: response type `code` goes with grant type authorization_code, and the other way round.
  if (responseTypes.includes('code') !== usesCode) {
    throw metadataError(
      'response_types',
      usesCode
        ? 'must include code when grant_types includes authorization_code'
        : 'may include code only when grant_types includes authorization_code',
    );
  }
  return responseTypes;
}

function checkRedirectUris(uris: string[], grantTypes: string[], type: ClientType): string[] {
  // RFC 7591 §2: clients of redirect-based flows must register their redirect URIs.
  if (grantTypes.includes('authorization_code') && uris.length === 0) {
    throw new OAuthError(
      'invalid_redirect_uri',
      'redirect_uris must list at least one URI for the authorization_code grant',
    );
  }
  uris.forEach((uri, index) => {
    const problem = redirectUriProblem(uri, { allowPrivateUseScheme: type === 'public' });
    if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uris[${index}] ${problem}`);
  });
  return unique(uris);
}

function checkOrigins(origins: string[]): string[] {
  origins.forEach((origin, index) => {
    const problem = originProblem(origin);
    if (problem) throw metadataError(`allowed_origins[${index}]`, problem);
  });
  return unique(origins);
}

/** allowed_origins are compared with the Origin header as strings, so only the exact serialized origin will do. */
function originProblem(origin: string): string | undefined {
  if (origin.includes('*')) return 'must not contain wildcards; list each origin';
  if (!URL.canParse(origin)) return 'must be an origin such as https://app.example.com';
  const url = new URL(origin);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  if (url.origin !== origin)
    return `must be an exact origin (scheme://host[:port], no path or trailing slash): ${url.origin}`;
  return undefined;
}

function extraMetadata(
  fields: MetadataFields,
  type: ClientType,
  policy: ClientMetadataPolicy,
): Record<string, unknown> {
  fields.post_logout_redirect_uris?.forEach((uri, index) => {
    const problem = redirectUriProblem(uri, { allowPrivateUseScheme: type === 'public' });
    if (problem) throw metadataError(`post_logout_redirect_uris[${index}]`, problem);
  });
  // OIDC Dynamic Registration §2: only an algorithm discovery advertises, which rules out `none` and HMAC. Userinfo
  // is signed with the same key set, so both members take the same list (absent userinfo alg: plain JSON userinfo).
  for (const [member, advertised] of SIGNING_ALG_MEMBERS) {
    const alg = fields[member];
    if (alg != null && !policy.idTokenSigningAlgorithms.includes(alg)) {
      throw metadataError(member, `must be one of ${advertised}: ${policy.idTokenSigningAlgorithms.join(', ')}`);
    }
  }
  return Object.fromEntries(
    EXTRA_MEMBERS.filter((member) => fields[member] != null).map((member) => [member, fields[member]]),
  );
}

function metadataError(member: string, problem: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${member} ${problem}`);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
