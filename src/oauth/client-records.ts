// Client records built from validated metadata, shared by dynamic registration (registration.ts), the developer
// pages and the admin command line: new ids and secrets (stored only hashed), metadata changes, secret rotation.
import type { Client, ClientStore } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import type { ClientMetadata, ClientMetadataPolicy } from './client-metadata';
import { OAuthError } from './errors';
import { SUPPORTED_GRANT_TYPES } from './grants';
import type { ScopeDefinition } from './scope-definitions';

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
 * What may be registered: the grant types the token endpoint implements, the configured API scopes (by client type),
 * the ID Token algorithms of the key set; the password grant only for a `firstParty` registrant the operator vouches
 * for.
 */
export function clientMetadataPolicy(
  scopes: readonly ScopeDefinition[],
  { firstParty, idTokenSigningAlgorithms }: { firstParty: boolean; idTokenSigningAlgorithms: readonly string[] },
): ClientMetadataPolicy {
  // Read at call time: the grant registry decides what may be registered.
  return {
    supportedGrantTypes: SUPPORTED_GRANT_TYPES,
    apiScopes: scopes.map(({ name }) => name),
    confidentialOnlyScopes: scopes.filter((scope) => !scope.publicClients).map(({ name }) => name),
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
): Promise<ClientWithSecret> {
  const now = epochSeconds();
  const secret = metadata.type === 'confidential' ? generateOpaqueToken() : undefined;
  const client: Client = {
    id: generateClientId(),
    ...metadata,
    secretHash: secret === undefined ? null : await hashOpaqueToken(secret),
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
): Promise<ClientWithSecret> {
  // A client turning confidential gets a new secret, returned this once.
  const secret = metadata.type === 'confidential' && client.secretHash === null ? generateOpaqueToken() : undefined;
  const updated: Client = {
    ...client,
    ...metadata,
    secretHash:
      metadata.type === 'public' ? null : secret === undefined ? client.secretHash : await hashOpaqueToken(secret),
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
): Promise<{ client: Client; secret: string }> {
  if (client.type !== 'confidential')
    throw new OAuthError('invalid_request', 'a public client has no secret to rotate');
  const secret = generateOpaqueToken();
  const updated: Client = { ...client, secretHash: await hashOpaqueToken(secret), updatedAt: epochSeconds() };
  await clients.update(updated);
  return { client: updated, secret };
}
