// Login throttling: the D1 LoginThrottleStore loses no concurrent reservation, reports locks, restarts after its
// window, releases and clears.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE } from '../../src/accounts/login-throttle';
import { storesFor } from '../../src/storage/stores';
import type { LoginThrottleStore } from '../../src/storage/types';

describe('LoginThrottleStore on D1', () => {
  const now = 1_800_000_000;
  const reserveOne = (store: LoginThrottleStore, key: string, at = now) =>
    store.reserve([{ key, policy: ACCOUNT_THROTTLE }], at).then(([reservation]) => reservation!);

  it('counts concurrent reservations without losing or repeating one (one atomic upsert each)', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:concurrent-${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => reserveOne(store, key)));

    expect(results.map(({ attempts }) => attempts).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results.every(({ lockedUntil }) => lockedUntil === null)).toBe(true);
  });

  it('reports a lock in force to later reservations, until it ends', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:lock-${crypto.randomUUID()}`;
    await reserveOne(store, key);
    await store.lock(key, now + 900);
    expect(await reserveOne(store, key, now + 899)).toEqual({ attempts: 2, lockedUntil: now + 900 });
    expect(await store.lockedUntil([key], now)).toBe(now + 900);
    expect(await reserveOne(store, key, now + 900)).toEqual({ attempts: 1, lockedUntil: null });
  });

  it('restarts the count when the window has passed', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:window-${crypto.randomUUID()}`;
    for (let i = 0; i < 4; i++) await reserveOne(store, key);
    expect((await reserveOne(store, key, now + 900)).attempts).toBe(1);
    expect((await reserveOne(store, key, now + 901)).attempts).toBe(2);
  });

  it('takes one attempt back on release and forgets a key on clear', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:clear-${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) await reserveOne(store, key);
    await store.release(key);
    expect((await reserveOne(store, key)).attempts).toBe(3);
    await store.lock(key, now + 900);
    await store.clear(key);
    expect(await store.lockedUntil([key], now)).toBeNull();
    expect((await reserveOne(store, key)).attempts).toBe(1);
  });
});
