// A read-through cache of client records in front of a ClientStore, held in the isolate (issue 5 goal 1): a client
// that calls the token endpoint again within CLIENT_CACHE_TTL_SECONDS costs no D1 query. docs/performance.md has
// the measurements and the trade-off.
import type { Client, ClientStore } from './types';

/**
 * How long an isolate trusts a client record it read. Writes through this store drop the isolate's own copy at
 * once, but other isolates keep theirs: a client deleted, or changed (grant types, scopes, redirect URIs, a secret
 * rotated) through another isolate keeps authenticating with its old record there for up to this long. Codes and
 * refresh tokens of a deleted client are gone with its rows (ON DELETE CASCADE), so what stays possible in that
 * window is client_credentials with the old secret.
 */
export const CLIENT_CACHE_TTL_SECONDS = 30;
/** Records one isolate holds at most (about a kilobyte each); the oldest is dropped first. */
export const CLIENT_CACHE_MAX_ENTRIES = 500;

export interface CachedClientStore extends ClientStore {
  /** Forgets this isolate's copy of a client, so its next read goes to storage. */
  invalidate(id: string): void;
}

export interface ClientCacheOptions {
  ttlSeconds?: number;
  maxEntries?: number;
}

interface Entry {
  client: Promise<Client | null>;
  expiresAtMs: number;
}

/**
 * Records are shared by every request of the isolate that reads them, so callers must not mutate them (nothing
 * does: updates build a new record). Only clients that exist are kept: remembering "no such client" would refuse,
 * for up to the TTL, a client just registered through another isolate.
 */
export function cacheClients(store: ClientStore, options: ClientCacheOptions = {}): CachedClientStore {
  const ttlMs = (options.ttlSeconds ?? CLIENT_CACHE_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? CLIENT_CACHE_MAX_ENTRIES;
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const entries = new Map<string, Entry>();

  const invalidate = (id: string): void => {
    entries.delete(id);
  };

  // The copy is dropped after the write, even a failed one: a read that began before the write may have cached
  // the old record, and it is an entry (set when the read began), so deleting it here catches that read too.
  async function writing<T>(id: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      invalidate(id);
    }
  }

  return {
    findById(id) {
      const now = Date.now();
      const cached = entries.get(id);
      if (cached && now < cached.expiresAtMs) return cached.client;
      entries.delete(id);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      // Concurrent requests for the same client share this one read.
      const entry: Entry = { client: store.findById(id), expiresAtMs: now + ttlMs };
      entries.set(id, entry);
      const forget = () => {
        if (entries.get(id) === entry) entries.delete(id);
      };
      entry.client.then((client) => {
        if (client === null) forget();
      }, forget);
      return entry.client;
    },
    create: (client) => writing(client.id, store.create(client)),
    update: (client) => writing(client.id, store.update(client)),
    delete: (id) => writing(id, store.delete(id)),
    countByRegistrant: (registrant) => store.countByRegistrant(registrant),
    // Lists always go to storage: they are pages and admin commands, not the token endpoint's hot path.
    listByOwner: (ownerUserId) => store.listByOwner(ownerUserId),
    list: () => store.list(),
    invalidate,
  };
}
