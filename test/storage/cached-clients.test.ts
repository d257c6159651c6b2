// cacheClients, the isolate's cache in front of the ClientStore: one storage read per TTL, no record kept from a read
// that overlapped a write through it, nothing remembered for unknown clients or failed reads, invalidate, and a
// bounded size that drops the oldest entry first.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheClients, CLIENT_CACHE_TTL_SECONDS } from '../../src/storage/cached-clients';
import type { Client, ClientStore } from '../../src/storage/types';

function clientRecord(id: string, overrides: Partial<Client> = {}): Client {
  return {
    id,
    name: 'Cached client',
    type: 'confidential',
    secretHash: 'hash',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    allowedOrigins: [],
    scopes: ['read'],
    metadata: {},
    registrationTokenHash: null,
    registrant: null,
    ownerUserId: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** An in-memory ClientStore that counts its reads. */
function countingStore(records: Client[] = []) {
  const rows = new Map(records.map((record) => [record.id, record]));
  const store: ClientStore & { reads: number; failNextRead: boolean } = {
    reads: 0,
    failNextRead: false,
    async findById(id: string) {
      store.reads += 1;
      if (store.failNextRead) {
        store.failNextRead = false;
        throw new Error('storage is down');
      }
      return rows.get(id) ?? null;
    },
    async create(client: Client) {
      rows.set(client.id, client);
    },
    async update(client: Client) {
      rows.set(client.id, client);
    },
    async delete(id: string) {
      return rows.delete(id);
    },
    async countByRegistrant() {
      return 0;
    },
    async listByOwner() {
      return [];
    },
    async list() {
      return [];
    },
  };
  return store;
}

describe('cacheClients', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a repeated read from the isolate without reading storage again', async () => {
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    expect(await cached.findById('a')).toEqual(clientRecord('a'));
    expect(await cached.findById('a')).toEqual(clientRecord('a'));
    expect(store.reads).toBe(1);
  });

  it('does not keep a record read while the client was being changed through it', async () => {
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    let releaseRead: () => void = () => {};
    const inner = store.findById.bind(store);
    store.findById = async (id) => {
      const record = await inner(id);
      await new Promise<void>((resolve) => (releaseRead = resolve));
      return record;
    };
    const staleRead = cached.findById('a');
    await Promise.resolve();
    await cached.update(clientRecord('a', { secretHash: 'rotated' }));
    releaseRead();
    expect(await staleRead).toEqual(clientRecord('a'));
    store.findById = inner;
    expect(await cached.findById('a')).toEqual(clientRecord('a', { secretHash: 'rotated' }));
  });

  it('reads storage again once the record is older than the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    await cached.findById('a');
    vi.setSystemTime(start + CLIENT_CACHE_TTL_SECONDS * 1000 - 1);
    await cached.findById('a');
    expect(store.reads).toBe(1);
    vi.setSystemTime(start + CLIENT_CACHE_TTL_SECONDS * 1000);
    await cached.findById('a');
    expect(store.reads).toBe(2);
  });

  it('does not remember an unknown client, so one registered elsewhere is found on the next read', async () => {
    const store = countingStore();
    const cached = cacheClients(store);
    expect(await cached.findById('new')).toBeNull();
    await store.create(clientRecord('new'));
    expect(await cached.findById('new')).toEqual(clientRecord('new'));
    expect(store.reads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    store.failNextRead = true;
    await expect(cached.findById('a')).rejects.toThrow('storage is down');
    expect(await cached.findById('a')).toEqual(clientRecord('a'));
  });

  it('drops its copy when the client is updated or deleted through it', async () => {
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    await cached.findById('a');
    await cached.update(clientRecord('a', { secretHash: 'rotated' }));
    expect(await cached.findById('a')).toEqual(clientRecord('a', { secretHash: 'rotated' }));
    expect(await cached.delete('a')).toBe(true);
    expect(await cached.findById('a')).toBeNull();
  });

  it('reads storage again after invalidate', async () => {
    const store = countingStore([clientRecord('a')]);
    const cached = cacheClients(store);
    await cached.findById('a');
    cached.invalidate('a');
    await cached.findById('a');
    expect(store.reads).toBe(2);
  });

  it('holds at most maxEntries records, dropping the oldest first', async () => {
    const store = countingStore(['a', 'b', 'c'].map((id) => clientRecord(id)));
    const cached = cacheClients(store, { maxEntries: 2 });
    await cached.findById('a');
    await cached.findById('b');
    await cached.findById('c');
    expect(store.reads).toBe(3);
    await cached.findById('c');
    await cached.findById('b');
    expect(store.reads).toBe(3);
    await cached.findById('a');
    expect(store.reads).toBe(4);
  });
});

describe('cacheClients with a read replica', () => {
  it('reads a cold client from the replica, and from the primary when the replica does not know it', async () => {
    const primary = countingStore([clientRecord('a'), clientRecord('new')]);
    const replica = countingStore([clientRecord('a')]);
    const cached = cacheClients(primary, { replica });
    expect(await cached.findById('a')).toMatchObject({ id: 'a' });
    expect([replica.reads, primary.reads]).toEqual([1, 0]);
    // Registered a moment ago: not on the replica yet.
    expect(await cached.findById('new')).toMatchObject({ id: 'new' });
    expect([replica.reads, primary.reads]).toEqual([2, 1]);
  });

  it('reads the primary after a write or an invalidate, so a rotated secret works at once despite replica lag', async () => {
    const primary = countingStore([clientRecord('a', { secretHash: 'new' })]);
    const replica = countingStore([clientRecord('a', { secretHash: 'old' })]);
    const cached = cacheClients(primary, { replica });
    expect(await cached.findById('a')).toMatchObject({ secretHash: 'old' });
    // oauth/client-auth on a secret mismatch: invalidate, read again.
    cached.invalidate('a');
    expect(await cached.findById('a')).toMatchObject({ secretHash: 'new' });
    await cached.update(clientRecord('a', { secretHash: 'newer' }));
    expect(await cached.findById('a')).toMatchObject({ secretHash: 'newer' });
    expect([replica.reads, primary.reads]).toEqual([1, 2]);
  });
});
