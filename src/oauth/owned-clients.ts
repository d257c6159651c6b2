// The developer pages' clients (issue 4): applications a signed-in user registers and manages themselves. Another
// user's client is "not found", so the pages never tell whether a client id exists.
import type { Config } from '../config';
import type { Client, ClientStore } from '../storage/types';
import {
  clientMetadataPolicy,
  createClientRecord,
  replaceClientMetadata,
  type ClientWithSecret,
} from './client-records';
import { validateClientSettings, type ClientSettings } from './client-settings';
import { OAuthError } from './errors';

export interface OwnedClientContext {
  config: Config;
  clients: ClientStore;
  /** The key set's algorithms, which discovery advertises for ID Tokens. */
  idTokenSigningAlgorithms: readonly string[];
}

// Developer pages register third-party clients: never the password grant.
function ownedClientPolicy({ config, idTokenSigningAlgorithms }: OwnedClientContext) {
  return clientMetadataPolicy(config.scopes, { firstParty: false, idTokenSigningAlgorithms });
}

/**
 * Validates the settings as dynamic registration does and stores the client for its owner. The registration cap
 * (REGISTRATION_MAX_CLIENTS_PER_REGISTRANT) applies per owner, so one account cannot fill D1 either.
 */
export async function createOwnedClient(
  settings: ClientSettings,
  ownerUserId: string,
  context: OwnedClientContext,
): Promise<ClientWithSecret> {
  const { config, clients } = context;
  const metadata = validateClientSettings(settings, ownedClientPolicy(context));
  const cap = config.registrationMaxClientsPerRegistrant;
  if ((await clients.listByOwner(ownerUserId)).length >= cap) {
    throw new OAuthError('access_denied', `You already have ${cap} applications, the most allowed. Delete one first.`);
  }
  return createClientRecord(metadata, { registrant: null, ownerUserId, registrationTokenHash: null }, clients);
}

/** The client with this id if this user owns it; not_found otherwise, whether or not it exists. */
export async function findOwnedClient(clientId: string, ownerUserId: string, clients: ClientStore): Promise<Client> {
  const client = await clients.findById(clientId);
  if (!client || client.ownerUserId !== ownerUserId)
    throw new OAuthError('not_found', 'There is no such application among yours.');
  return client;
}

/** Changes an owned client's settings through the same validation; its other registered metadata is kept. */
export async function updateOwnedClient(
  client: Client,
  settings: ClientSettings,
  context: OwnedClientContext,
): Promise<ClientWithSecret> {
  const metadata = validateClientSettings(settings, ownedClientPolicy(context), client);
  return replaceClientMetadata(client, metadata, context.clients);
}
