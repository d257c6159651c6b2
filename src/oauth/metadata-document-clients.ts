// The clients named by Client ID Metadata Documents, behind the ClientStore interface every endpoint already uses:
// an https client_id is fetched (metadata-document-fetch.ts), validated (client-id-metadata-document.ts), kept in
// the isolate for its cache lifetime, and mirrored into the clients table, so that codes, refresh tokens, consents
// and their revocation work per (user, client_id) exactly as for registered clients.
import type { CachedClientStore } from '../storage/cached-clients';
import type { Client } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { clientFromMetadataDocument, isMetadataDocumentUrl } from './client-id-metadata-document';
import type { ClientMetadataPolicy } from './client-metadata';
import {
  assertDocumentJwksUriAllowed,
  type DocumentFetchOptions,
  fetchMetadataDocument,
} from './metadata-document-fetch';

/** Documents one isolate keeps at most; the oldest is dropped first. */
export const METADATA_DOCUMENT_CACHE_MAX_ENTRIES = 500;

export interface MetadataDocumentClients {
  /** The store of one request: document clients resolved here, every other id read from `store`. */
  over(store: CachedClientStore, policy: ClientMetadataPolicy): CachedClientStore;
}

/** Built once per isolate; the cache holds finished Client records only, never a pending fetch (STYLE §11). */
export function metadataDocumentClients(options: DocumentFetchOptions): MetadataDocumentClients {
  const cache = new Map<string, { client: Client; expiresAtMs: number }>();

  async function resolve(url: string, store: CachedClientStore, policy: ClientMetadataPolicy): Promise<Client> {
    const cached = cache.get(url);
    if (cached && cached.expiresAtMs > Date.now()) return cached.client;
    cache.delete(url);
    const { document, cacheSeconds } = await fetchMetadataDocument(url, options);
    const validated = clientFromMetadataDocument(url, document, policy);
    assertDocumentJwksUriAllowed(validated, options.allowLoopbackHttp);
    const client = await mirror(validated, store);
    if (cacheSeconds > 0) {
      if (cache.size >= METADATA_DOCUMENT_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(url, { client, expiresAtMs: Date.now() + cacheSeconds * 1000 });
    }
    return client;
  }

  return {
    over(store, policy) {
      return {
        ...store,
        findById: (id) =>
          isMetadataDocumentUrl(id, options.allowLoopbackHttp) ? resolve(id, store, policy) : store.findById(id),
        // A record suspected stale (a redirect URI or credential it does not list) is fetched again, once.
        invalidate(id) {
          cache.delete(id);
          store.invalidate(id);
        },
      };
    },
  };
}

/** The fields a document decides; a change in any of them is written to the mirrored record. */
const DOCUMENT_FIELDS = [
  'name',
  'type',
  'tokenEndpointAuthMethod',
  'redirectUris',
  'grantTypes',
  'responseTypes',
  'allowedOrigins',
  'scopes',
  'metadata',
] as const satisfies ReadonlyArray<keyof Client>;

const documentFieldsOf = (client: Client) => JSON.stringify(DOCUMENT_FIELDS.map((field) => client[field]));

/** Stores the document's client (new, or changed since), keeping its creation time. */
async function mirror(client: Client, store: CachedClientStore): Promise<Client> {
  const now = epochSeconds();
  let stored = await store.findById(client.id);
  if (!stored) {
    const created = { ...client, createdAt: now, updatedAt: now };
    try {
      await store.create(created);
      return created;
    } catch (error) {
      // Another request mirrored the same document first (the id is the primary key): use its row.
      store.invalidate(client.id);
      stored = await store.findById(client.id);
      if (!stored) throw error;
    }
  }
  if (documentFieldsOf(client) === documentFieldsOf(stored)) return stored;
  const updated = { ...client, createdAt: stored.createdAt, updatedAt: now };
  await store.update(updated);
  return updated;
}
