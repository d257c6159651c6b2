// Client metadata of the registration endpoints (RFC 7591 §2, RFC 7592 §2.2): validates what a client sends into
// the registrable fields of a Client record, and turns a Client back into the metadata it is answered with.
import * as v from 'valibot';
import { isLoopbackHost } from '../config';
import type { Client, ClientType } from '../storage/types';
import { SUPPORTED_AUTH_METHODS } from './client-auth';
import { checkClientKeyMetadata } from './client-key-metadata';
import { OAuthError } from './errors';
import { redirectUriProblem, uriCharacterProblem } from './redirect-uri';
import { parseScope } from './scope';

/** OpenID Connect scopes (OIDC Core §5.4, §11) a client may register besides the API scopes. */
export const REGISTRABLE_OPENID_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

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

// Bounds that keep one registration a small D1 row; the body limit alone would allow 64 KiB of metadata.
const MAX_LIST_ITEMS = 20;
const MAX_URI_CHARS = 2000;
const MAX_TEXT_CHARS = 200;

export interface ClientMetadataPolicy {
  /** The grant types the token endpoint implements now (oauth/grants SUPPORTED_GRANT_TYPES). */
  supportedGrantTypes: readonly string[];
  apiScopes: readonly string[];
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

const text = (maxChars: number) =>
  v.pipe(
    v.string('must be a string'),
    v.minLength(1, 'must not be empty'),
    v.maxLength(maxChars, `must be at most ${maxChars} characters`),
  );
const list = <T extends v.GenericSchema>(item: T) =>
  v.pipe(v.array(item, 'must be an array'), v.maxLength(MAX_LIST_ITEMS, `must have at most ${MAX_LIST_ITEMS} entries`));
const httpsUrl = v.pipe(
  text(MAX_URI_CHARS),
  v.check((uri) => uriCharacterProblem(uri) === undefined, 'must not contain whitespace or control characters'),
  v.check(isHttpsUrl, 'must be an absolute https URL'),
);

// RFC 7591 §2: members the server does not understand are ignored (a loose object), and null means absent
// (RFC 7592 §2.2: omitted or null members of an update are deleted).
const MetadataShape = v.looseObject({
  client_name: v.nullish(text(MAX_TEXT_CHARS)),
  token_endpoint_auth_method: v.nullish(
    v.picklist(
      SUPPORTED_AUTH_METHODS,
      (issue) => `${String(issue.input)} is not supported; use ${SUPPORTED_AUTH_METHODS.join(', ')}`,
    ),
  ),
  grant_types: v.nullish(list(text(MAX_URI_CHARS))),
  response_types: v.nullish(list(text(MAX_TEXT_CHARS))),
  redirect_uris: v.nullish(list(text(MAX_URI_CHARS))),
  post_logout_redirect_uris: v.nullish(list(text(MAX_URI_CHARS))),
  allowed_origins: v.nullish(list(text(MAX_URI_CHARS))),
  scope: v.nullish(
    v.pipe(v.string('must be a string'), v.maxLength(MAX_URI_CHARS, `must be at most ${MAX_URI_CHARS} characters`)),
  ),
  client_uri: v.nullish(httpsUrl),
  logo_uri: v.nullish(httpsUrl),
  tos_uri: v.nullish(httpsUrl),
  policy_uri: v.nullish(httpsUrl),
  contacts: v.nullish(list(text(MAX_TEXT_CHARS))),
  software_id: v.nullish(text(MAX_TEXT_CHARS)),
  software_version: v.nullish(text(MAX_TEXT_CHARS)),
  id_token_signed_response_alg: v.nullish(text(MAX_TEXT_CHARS)),
  dpop_bound_access_tokens: v.nullish(v.boolean('must be a boolean')),
  userinfo_signed_response_alg: v.nullish(text(MAX_TEXT_CHARS)),
});
type MetadataFields = v.InferOutput<typeof MetadataShape>;

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
    scopes: checkScopes(fields.scope, policy.apiScopes, grantTypes),
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

/** RFC 7591 §3.1: the metadata is a JSON object; an array, a string or null is not. */
export function assertJsonObject(input: unknown): asserts input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OAuthError('invalid_client_metadata', 'the client metadata must be a JSON object');
  }
}

function parseFields(input: unknown): MetadataFields {
  assertJsonObject(input);
  const result = v.safeParse(MetadataShape, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? [])
    .map((item) => (typeof item.key === 'number' ? `[${item.key}]` : String(item.key)))
    .join('');
  const code = path.startsWith('redirect_uris') ? 'invalid_redirect_uri' : 'invalid_client_metadata';
  throw new OAuthError(code, `${path} ${issue.message}`);
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

function checkScopes(scope: string | null | undefined, apiScopes: readonly string[], grantTypes: string[]): string[] {
  if (scope == null) return defaultScopes(apiScopes, grantTypes);
  let scopes: string[];
  try {
    scopes = parseScope(scope) ?? [];
  } catch {
    throw metadataError('scope', 'must be a space-separated list of scope tokens');
  }
  const registrable: readonly string[] = [...apiScopes, ...REGISTRABLE_OPENID_SCOPES];
  const unknown = scopes.filter((item) => !registrable.includes(item));
  if (unknown.length > 0) {
    throw metadataError(
      'scope',
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

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

function metadataError(member: string, problem: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${member} ${problem}`);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
