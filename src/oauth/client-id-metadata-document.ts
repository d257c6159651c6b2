// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, the revision the MCP authorization
// spec pins): a client_id that is an https URL names a JSON document of RFC 7591 metadata, validated here into the
// Client record every endpoint uses, in place of a stored registration.
import type { Client, TokenEndpointAuthMethod } from '../storage/types';
import { type ClientMetadataPolicy, validateClientMetadata } from './client-metadata';
import { assertJsonObject } from './client-metadata-shape';
import { OAuthError } from './errors';

/** The `registrant` of a client known from its metadata document: anyone may publish one, as under open registration. */
export const METADATA_DOCUMENT_REGISTRANT = 'metadata-document';

/** Members a document must not carry (draft §4.1): a document is public, so it cannot hold a shared secret. */
const PROHIBITED_MEMBERS = ['client_secret', 'client_secret_expires_at'];
/** Grant types a document client may have: it acts for users, and anyone may publish a document. */
const DOCUMENT_GRANT_TYPES = ['authorization_code', 'refresh_token'];
/**
 * How a document client authenticates (the draft's §4.1, MCP): not at all (a public client, PKCE required), or with
 * a key whose public half the document publishes (`jwks` or `jwks_uri`); never with a secret, which a public
 * document cannot hold.
 */
const DOCUMENT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'private_key_jwt'];

/**
 * Whether `clientId` names a metadata document (draft §3): an https URL with a path, without a fragment, credentials
 * or dot segments. `allowLoopbackHttp` (local development only) also takes http://localhost and 127.0.0.1.
 */
export function isMetadataDocumentUrl(clientId: string, allowLoopbackHttp: boolean): boolean {
  if (!clientId.startsWith('https://') && !(allowLoopbackHttp && clientId.startsWith('http://'))) return false;
  if (!URL.canParse(clientId) || clientId.includes('#')) return false;
  const url = new URL(clientId);
  if (url.protocol === 'http:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') return false;
  if (url.username !== '' || url.password !== '' || url.pathname === '/') return false;
  return !/\/\.\.?(\/|$)/.test(clientId.slice(url.origin.length));
}

/** A refusal of the document at `url`; the authorization page shows it, the token endpoint answers invalid_client. */
export function documentError(url: string, problem: string): OAuthError {
  return new OAuthError('invalid_client', `the client metadata document ${url} ${problem}`);
}

/**
 * Validates a fetched document (draft §4.1) into a Client: `client_id` equal to the URL, a `client_name`, no secret,
 * `token_endpoint_auth_method` `none` or `private_key_jwt` with exactly one of `jwks` and `jwks_uri` (PKCE is
 * required at the authorization endpoint either way), and the RFC 7591 rules of dynamic registration for the rest
 * (redirect URIs, grant and response types, scopes, public keys only in `jwks`).
 */
export function clientFromMetadataDocument(url: string, document: unknown, policy: ClientMetadataPolicy): Client {
  try {
    assertJsonObject(document);
  } catch {
    throw documentError(url, 'is not a JSON object');
  }
  if (document.client_id !== url) throw documentError(url, 'names another client_id');
  if (typeof document.client_name !== 'string' || document.client_name.trim() === '') {
    throw documentError(url, 'has no client_name');
  }
  const prohibited = PROHIBITED_MEMBERS.filter((member) => member in document);
  if (prohibited.length > 0) throw documentError(url, `must not contain ${prohibited.join(', ')}`);
  const method = document.token_endpoint_auth_method ?? 'none';
  if (!DOCUMENT_AUTH_METHODS.some((allowed) => allowed === method)) {
    throw documentError(url, `must use token_endpoint_auth_method ${DOCUMENT_AUTH_METHODS.join(' or ')}`);
  }
  const grantTypes = document.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || grantTypes.some((grant) => !DOCUMENT_GRANT_TYPES.includes(grant))) {
    throw documentError(url, `may only have the grant types ${DOCUMENT_GRANT_TYPES.join(', ')}`);
  }
  let metadata: ReturnType<typeof validateClientMetadata>;
  try {
    metadata = validateClientMetadata({ ...document, token_endpoint_auth_method: method }, policy);
  } catch (error) {
    throw documentError(url, `is invalid: ${error instanceof OAuthError ? error.description : 'bad metadata'}`);
  }
  return {
    id: url,
    ...metadata,
    secretHash: null,
    registrationTokenHash: null,
    registrant: METADATA_DOCUMENT_REGISTRANT,
    ownerUserId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}
