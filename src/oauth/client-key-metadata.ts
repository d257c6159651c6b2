// The signing-key metadata of a client (RFC 7591 §2, RFC 7523, RFC 9101 §10.5, RFC 9126 §6, OIDC Registration §2):
// `jwks` or `jwks_uri` (never both), required for private_key_jwt and signed request objects, the algorithms its
// assertions and request objects use, and whether it must push or sign its authorization requests. Kept in
// Client.metadata as registered.
import { isLoopbackHost } from '../config';
import type { TokenEndpointAuthMethod } from '../storage/types';
import { OAuthError } from './errors';

/** Asymmetric algorithms for private_key_jwt assertions and request objects (RFC 7518 §3.1, RFC 8037). */
export const ASYMMETRIC_SIGNING_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** HMAC algorithms for client_secret_jwt, keyed with the client secret (RFC 7518 §3.2). */
export const HMAC_SIGNING_ALGORITHMS = ['HS256'];

const MAX_KEYS = 10;
const MAX_JWKS_CHARS = 16 * 1024;
const MAX_URI_CHARS = 2000;
/** JWK members of private keys and of symmetric keys (RFC 7518 §6.2.2, §6.3.2, §6.4.1): none may be registered. */
const SECRET_KEY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The algorithms a method's assertions may use. */
export function assertionAlgorithmsFor(method: TokenEndpointAuthMethod): readonly string[] {
  if (method === 'private_key_jwt') return ASYMMETRIC_SIGNING_ALGORITHMS;
  if (method === 'client_secret_jwt') return HMAC_SIGNING_ALGORITHMS;
  return [];
}

/** Validates the key members of registered metadata; answers those present, to be kept in Client.metadata. */
export function checkClientKeyMetadata(
  fields: Record<string, unknown>,
  method: TokenEndpointAuthMethod,
): Record<string, unknown> {
  const { jwks, jwks_uri: jwksUri, token_endpoint_auth_signing_alg: signingAlg } = fields;
  const kept: Record<string, unknown> = {};
  if (jwks != null && jwksUri != null) {
    // RFC 7591 §2: "The jwks_uri and jwks parameters MUST NOT both be present in the same request or response."
    throw metadataError('jwks', 'must not be sent together with jwks_uri');
  }
  if (jwks != null) kept.jwks = checkJwks(jwks);
  if (jwksUri != null) kept.jwks_uri = checkJwksUri(jwksUri);
  if (method === 'private_key_jwt' && jwks == null && jwksUri == null) {
    throw metadataError('jwks', 'or jwks_uri is required for private_key_jwt');
  }
  if (signingAlg != null) {
    const allowed = assertionAlgorithmsFor(method);
    if (typeof signingAlg !== 'string' || !allowed.includes(signingAlg)) {
      throw metadataError(
        'token_endpoint_auth_signing_alg',
        allowed.length === 0
          ? 'applies only to private_key_jwt and client_secret_jwt'
          : `must be one of ${allowed.join(', ')} for ${method}`,
      );
    }
    kept.token_endpoint_auth_signing_alg = signingAlg;
  }
  return { ...kept, ...checkRequestMetadata(fields, jwks != null || jwksUri != null) };
}

/** RFC 9101 §10.5 and RFC 9126 §6: how the client's authorization requests must arrive. */
function checkRequestMetadata(fields: Record<string, unknown>, hasKeys: boolean): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  const alg = fields.request_object_signing_alg;
  if (alg != null) {
    if (typeof alg !== 'string' || !ASYMMETRIC_SIGNING_ALGORITHMS.includes(alg)) {
      throw metadataError('request_object_signing_alg', `must be one of ${ASYMMETRIC_SIGNING_ALGORITHMS.join(', ')}`);
    }
    kept.request_object_signing_alg = alg;
  }
  for (const member of ['require_signed_request_object', 'require_pushed_authorization_requests']) {
    const value = fields[member];
    if (value == null) continue;
    if (typeof value !== 'boolean') throw metadataError(member, 'must be true or false');
    if (value) kept[member] = true;
  }
  if (kept.require_signed_request_object && !hasKeys) {
    throw metadataError('require_signed_request_object', 'needs jwks or jwks_uri to verify the request objects');
  }
  return kept;
}

function checkJwks(jwks: unknown): unknown {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== 'object' || !Array.isArray(keys))
    throw metadataError('jwks', 'must be a JWK set {"keys": [...]}');
  if (keys.length === 0 || keys.length > MAX_KEYS) throw metadataError('jwks', `must hold 1 to ${MAX_KEYS} keys`);
  if (JSON.stringify(jwks).length > MAX_JWKS_CHARS)
    throw metadataError('jwks', `must be at most ${MAX_JWKS_CHARS} characters`);
  keys.forEach((key, index) => {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
      throw metadataError(`jwks.keys[${index}]`, 'must be a JWK with a kty');
    }
    if (SECRET_KEY_MEMBERS.some((member) => Object.hasOwn(key, member))) {
      throw metadataError(`jwks.keys[${index}]`, 'must be a public key (no private or symmetric key members)');
    }
  });
  return { keys };
}

function checkJwksUri(uri: unknown): string {
  if (typeof uri !== 'string' || uri.length > MAX_URI_CHARS || !URL.canParse(uri)) {
    throw metadataError('jwks_uri', 'must be an absolute URL');
  }
  const url = new URL(uri);
  // Plain http only for a loopback host, and it is fetched only while the issuer itself is local (client-jwks.ts).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw metadataError('jwks_uri', 'must use https');
  }
  if (url.hash) throw metadataError('jwks_uri', 'must not have a fragment');
  return uri;
}

function metadataError(member: string, problem: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${member} ${problem}`);
}
