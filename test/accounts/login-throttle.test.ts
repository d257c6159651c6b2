// Login throttling: the D1 LoginThrottleStore loses no concurrent reservation, reports locks, restarts after its
// window, settles a sign-in (release and clear), and reserves with the account lookup in one batch.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE } from '../../src/accounts/login-throttle';
import { storesFor } from '../../src/storage/stores';
import type { LoginThrottleStore } from '../../src/storage/types';
import { createTestUser } from '../helpers/users';

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

  it('settles a sign-in in one batch: takes one attempt back from a released key and forgets a cleared one', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const released = `ip:settle-${crypto.randomUUID()}`;
    const cleared = `user:settle-${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) await reserveOne(store, released);
    await reserveOne(store, cleared);
    await store.lock(cleared, now + 900);
    await store.settle({ clear: [cleared], release: [released] });
    expect((await reserveOne(store, released)).attempts).toBe(3);
    expect(await store.lockedUntil([cleared], now)).toBeNull();
    expect((await reserveOne(store, cleared)).attempts).toBe(1);
  });

  it('reserves and finds the account in one call, counting the attempt whether or not the account exists', async () => {
    const stores = storesFor(env.DB);
    const { user } = await createTestUser();
    const key = `user:${user.username}`;
    const found = await stores.loginThrottles.reserveAndFindUser(
      [{ key, policy: ACCOUNT_THROTTLE }],
      user.username.toUpperCase(),
      now,
    );
    expect(found).toEqual({ reservations: [{ attempts: 1, lockedUntil: null }], user, secondFactor: false });
    const unknown = `user:nobody-${crypto.randomUUID()}`;
    expect(
      await stores.loginThrottles.reserveAndFindUser([{ key: unknown, policy: ACCOUNT_THROTTLE }], 'nobody', now),
    ).toEqual({
      reservations: [{ attempts: 1, lockedUntil: null }],
      user: null,
      secondFactor: false,
    });
    // An impossible username (null): only the address counts, and no account is found.
    expect(await stores.loginThrottles.reserveAndFindUser([], null, now)).toEqual({
      reservations: [],
      user: null,
      secondFactor: false,
    });
  });
});
