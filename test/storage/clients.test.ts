// ClientStore and RateLimitStore on D1: every field updated, delete telling whether a row existed, counting by
// registrant, an owner's deletion leaving the client unowned (ON DELETE SET NULL), and fixed-window hits that lose
// none under concurrency.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createClientStore } from '../../src/storage/clients';
import { databaseFor } from '../../src/storage/db';
import { storesFor } from '../../src/storage/stores';
import { createTestClient } from '../helpers/clients';
import { createTestUser } from '../helpers/users';

// The D1 store itself, without the isolate cache that storesFor puts in front of it.
const clients = () => createClientStore(databaseFor(env.DB));

describe('ClientStore', () => {
  it('updates every field of a client', async () => {
    const { client } = await createTestClient();
    const updated = {
      ...client,
      name: 'Renamed',
      scopes: ['read'],
      allowedOrigins: ['https://a.example'],
      metadata: { contacts: ['x@example.com'] },
      updatedAt: client.updatedAt + 5,
    };
    await clients().update(updated);
    expect(await clients().findById(client.id)).toEqual(updated);
  });

  it('deletes a client and says whether there was one', async () => {
    const { client } = await createTestClient();
    expect(await clients().delete(client.id)).toBe(true);
    expect(await clients().findById(client.id)).toBeNull();
    expect(await clients().delete(client.id)).toBe(false);
  });

  it('counts the clients of one registrant', async () => {
    const registrant = `ip:${crypto.randomUUID()}`;
    await createTestClient({ registrant });
    await createTestClient({ registrant });
    await createTestClient({ registrant: 'ip:someone-else' });
    expect(await clients().countByRegistrant(registrant)).toBe(2);
    expect(await clients().countByRegistrant('ip:nobody')).toBe(0);
  });

  it('keeps a client whose owner is deleted, without an owner (ON DELETE SET NULL)', async () => {
    const { user } = await createTestUser();
    const { client } = await createTestClient({ ownerUserId: user.id });
    expect((await clients().findById(client.id))?.ownerUserId).toBe(user.id);
    await env.DB.prepare('DELETE FROM users WHERE id = ?').bind(user.id).run();
    expect((await clients().findById(client.id))?.ownerUserId).toBeNull();
  });
});

describe('RateLimitStore', () => {
  it('counts hits in a fixed window and starts a new window once it has passed', async () => {
    const rateLimits = storesFor(env.DB).rateLimits;
    const key = `test:${crypto.randomUUID()}`;
    expect(await rateLimits.hit(key, 60, 1000)).toEqual({ count: 1, windowStartedAt: 1000 });
    expect(await rateLimits.hit(key, 60, 1059)).toEqual({ count: 2, windowStartedAt: 1000 });
    expect(await rateLimits.hit(key, 60, 1060)).toEqual({ count: 1, windowStartedAt: 1060 });
  });

  it('loses no hit when requests arrive together', async () => {
    const rateLimits = storesFor(env.DB).rateLimits;
    const key = `test:${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => rateLimits.hit(key, 60, 5000)));
    expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
