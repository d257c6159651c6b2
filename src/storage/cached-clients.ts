// A read-through cache of client records in front of a ClientStore, held in the isolate (issue 5 goal 1): a client
// that calls the token endpoint again within CLIENT_CACHE_TTL_SECONDS costs no D1 query. docs/performance.md has
// the measurements and the trade-off.
import type { Client, ClientStore } from './types';

/**
 * How long an isolate trusts a client record it read. Writes through this store drop the isolate's own copy at
 * once; other isolates keep theirs until it expires. So for up to this long after a change made elsewhere, an
 * isolate may still accept a rotated-out secret (the new one works at once: oauth/client-auth/index.ts reads the record
 * again on a mismatch), or authenticate a deleted client (whose
 * codes and refresh tokens are already gone with its row, ON DELETE CASCADE), or apply old grant types, scopes or
 * redirect URIs. docs/performance.md weighs this against a D1 read on every token request.
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
  /**
   * Where cold lookups go first (a D1 read replica, storage/db.ts replicaDatabaseFor). A replica may lag, so a
   * client it does not know, and any read after a write or invalidate of that client, go to `store` (the primary).
   */
  replica?: Pick<ClientStore, 'findById'>;
}

interface Entry {
  client: Client;
  expiresAtMs: number;
}

/**
 * Records are shared by every request of the isolate that reads them, so callers must not mutate them (nothing
 * does: updates build a new record). Only records are shared, never a pending read: in Workers a promise tied to
 * one request's I/O must not be awaited by another (that request may be cancelled first), so concurrent misses
 * each read storage. Only clients that exist are kept: remembering "no such client" would refuse, for up to the
 * TTL, a client just registered through another isolate.
 */
export function cacheClients(store: ClientStore, options: ClientCacheOptions = {}): CachedClientStore {
  const ttlMs = (options.ttlSeconds ?? CLIENT_CACHE_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? CLIENT_CACHE_MAX_ENTRIES;
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const entries = new Map<string, Entry>();
  // Counts writes through this store, so a read that overlapped one is not kept (it may hold the old record).
  let writes = 0;
  // Clients whose next read must see the primary: changed through this store, or suspected stale (a secret
  // mismatch, oauth/client-auth). Bounded like the cache; losing a mark only means one replica read.
  const readPrimaryNext = new Set<string>();
  const replica = options.replica;

  const invalidate = (id: string): void => {
    writes += 1;
    entries.delete(id);
    if (replica) {
      if (readPrimaryNext.size >= maxEntries) readPrimaryNext.clear();
      readPrimaryNext.add(id);
    }
  };

  async function read(id: string): Promise<Client | null> {
    if (!replica || readPrimaryNext.delete(id)) return store.findById(id);
    return (await replica.findById(id)) ?? store.findById(id);
  }

  function remember(id: string, client: Client, expiresAtMs: number): void {
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
    entries.set(id, { client, expiresAtMs });
  }

  // The copy is dropped once the write is done, even a failed one; a read in flight meanwhile sees `writes` change.
  async function writing<T>(id: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      invalidate(id);
    }
  }

  return {
    async findById(id) {
      const now = Date.now();
      const cached = entries.get(id);
      if (cached && now < cached.expiresAtMs) return cached.client;
      entries.delete(id);
      const writesBefore = writes;
      const client = await read(id);
      if (client && writes === writesBefore) remember(id, client, now + ttlMs);
      return client;
    },
    create: (client) => writing(client.id, store.create(client)),
    update: (client) => writing(client.id, store.update(client)),
    delete: (id) => writing(id, store.delete(id)),
    // Listings are rare (developer pages, admin CLI) and must show every client as stored: not cached.
    countByRegistrant: (registrant) => store.countByRegistrant(registrant),
    listByOwner: (ownerUserId) => store.listByOwner(ownerUserId),
    list: () => store.list(),
    invalidate,
  };
}
