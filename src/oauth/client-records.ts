// Client records built from validated metadata, shared by dynamic registration (registration.ts), the developer
// pages and the admin command line: new ids and secrets (stored only hashed), metadata changes, secret rotation.
import type { Client, ClientStore } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import type { SecretBox } from '../tokens/secret-box';
import type { ClientMetadata, ClientMetadataPolicy } from './client-metadata';
import { OAuthError } from './errors';
import { usesClientSecret } from './client-auth';
import { SUPPORTED_GRANT_TYPES } from './grants';

/** 128 random bits: unguessable, so a client id reveals nothing and cannot be enumerated. */
const CLIENT_ID_BYTES = 16;

/** A stored client and its secret in clear, which exists only in this answer (undefined when there is none new). */
export interface ClientWithSecret {
  client: Client;
  secret: string | undefined;
}

/** Who a new client belongs to, and how it is managed. */
export type ClientProvenance = Pick<Client, 'registrant' | 'ownerUserId' | 'registrationTokenHash'>;

/**
 * What may be registered: the grant types the token endpoint implements, the configured API scopes and the ID Token
 * algorithms of the key set; the password grant only for a `firstParty` registrant the operator vouches for.
 */
export function clientMetadataPolicy(
  apiScopes: readonly string[],
  { firstParty, idTokenSigningAlgorithms }: { firstParty: boolean; idTokenSigningAlgorithms: readonly string[] },
): ClientMetadataPolicy {
  // Read at call time: the grant registry decides what may be registered.
  return {
    supportedGrantTypes: SUPPORTED_GRANT_TYPES,
    apiScopes,
    allowsPasswordGrant: firstParty,
    idTokenSigningAlgorithms,
  };
}

// 128 random bits in base64url, never beginning with "-": command lines (the admin CLI's node:util parseArgs) read a
// leading dash as an option, so such a client could not be named there. One draw in 64 is redrawn.
function generateClientId(): string {
  for (;;) {
    const id = generateOpaqueToken(CLIENT_ID_BYTES);
    if (!id.startsWith('-')) return id;
  }
}

/** Stores a new client with a fresh id and, when confidential, a fresh secret. */
export async function createClientRecord(
  metadata: ClientMetadata,
  provenance: ClientProvenance,
  clients: ClientStore,
  secretBox?: SecretBox,
): Promise<ClientWithSecret> {
  const now = epochSeconds();
  const id = generateClientId();
  const secret = usesClientSecret(metadata.tokenEndpointAuthMethod) ? generateOpaqueToken() : undefined;
  const client: Client = {
    id,
    ...metadata,
    ...(await storedSecret(secret, metadata, id, secretBox)),
    ...provenance,
    createdAt: now,
    updatedAt: now,
  };
  await clients.create(client);
  return { client, secret };
}

/** Replaces a client's metadata. The secret is kept, except that a client turning public loses it. */
export async function replaceClientMetadata(
  client: Client,
  metadata: ClientMetadata,
  clients: ClientStore,
  secretBox?: SecretBox,
): Promise<ClientWithSecret> {
  const needsSecret = usesClientSecret(metadata.tokenEndpointAuthMethod);
  // A client turning to a secret method gets a new secret, returned this once; so does one turning to
  // client_secret_jwt, whose secret must be sealed (only a hash of the old one exists).
  const sealedNeeded = metadata.tokenEndpointAuthMethod === 'client_secret_jwt' && !client.secretCiphertext;
  const secret = needsSecret && (client.secretHash === null || sealedNeeded) ? generateOpaqueToken() : undefined;
  // A client leaving client_secret_jwt keeps only the hash: no reversible copy is kept without a need for it.
  const sealed = metadata.tokenEndpointAuthMethod === 'client_secret_jwt' ? (client.secretCiphertext ?? null) : null;
  const kept = needsSecret
    ? { secretHash: client.secretHash, secretCiphertext: sealed }
    : { secretHash: null, secretCiphertext: null };
  const updated: Client = {
    ...client,
    ...metadata,
    ...(secret === undefined ? kept : await storedSecret(secret, metadata, client.id, secretBox)),
    updatedAt: epochSeconds(),
  };
  await clients.update(updated);
  return { client: updated, secret };
}

/**
 * Gives a confidential client a new secret; the old one stops working at once in this isolate (the store drops its
 * cached copy) and within CLIENT_CACHE_TTL_SECONDS everywhere else (storage/cached-clients.ts).
 */
export async function rotateClientSecret(
  client: Client,
  clients: ClientStore,
  secretBox?: SecretBox,
): Promise<{ client: Client; secret: string }> {
  if (client.type !== 'confidential')
    throw new OAuthError('invalid_request', 'a public client has no secret to rotate');
  if (!usesClientSecret(client.tokenEndpointAuthMethod))
    throw new OAuthError('invalid_request', `a ${client.tokenEndpointAuthMethod} client has no secret to rotate`);
  const secret = generateOpaqueToken();
  const updated: Client = {
    ...client,
    ...(await storedSecret(secret, client, client.id, secretBox)),
    updatedAt: epochSeconds(),
  };
  await clients.update(updated);
  return { client: updated, secret };
}

/** How a new secret is stored: its hash, and for client_secret_jwt also sealed (RFC 7523 HMAC needs it back). */
async function storedSecret(
  secret: string | undefined,
  { tokenEndpointAuthMethod }: Pick<Client, 'tokenEndpointAuthMethod'>,
  clientId: string,
  secretBox: SecretBox | undefined,
): Promise<Pick<Client, 'secretHash' | 'secretCiphertext'>> {
  if (secret === undefined) return { secretHash: null, secretCiphertext: null };
  if (tokenEndpointAuthMethod !== 'client_secret_jwt') {
    return { secretHash: await hashOpaqueToken(secret), secretCiphertext: null };
  }
  if (!secretBox) {
    throw new OAuthError(
      'invalid_client_metadata',
      'token_endpoint_auth_method client_secret_jwt is not enabled on this server (no CLIENT_SECRET_ENCRYPTION_KEY)',
    );
  }
  return { secretHash: await hashOpaqueToken(secret), secretCiphertext: await secretBox.seal(secret, clientId) };
}
