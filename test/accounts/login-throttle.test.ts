// Login throttling: addressBlock keys an IPv4 address alone and an IPv6 one by its canonical /64; the D1
// LoginThrottleStore loses no concurrent failure, locks on the fifth, restarts after its window and forgets on clear.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE, addressBlock } from '../../src/accounts/login-throttle';
import { storesFor } from '../../src/storage/stores';

describe('addressBlock', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:0db8:00aa:00bb::1', '2001:db8:aa:bb::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['2001:DB8:AA:BB::', '2001:db8:aa:bb::/64'],
  ])('counts %s as %s', (address, expected) => {
    expect(addressBlock(address)).toBe(expected);
  });
});

describe('LoginThrottleStore on D1', () => {
  it('counts concurrent failures without losing one (one atomic upsert each)', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:concurrent-${crypto.randomUUID()}`;
    const now = 1_800_000_000;
    const results = await Promise.all(Array.from({ length: 5 }, () => store.recordFailure(key, ACCOUNT_THROTTLE, now)));

    expect(results.filter((lockedUntil) => lockedUntil !== null)).toEqual([now + 900]);
    expect(await store.lockedUntil([key], now)).toBe(now + 900);
    expect(await store.lockedUntil([key], now + 900)).toBeNull();
  });

  it('restarts the count when the window has passed', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:window-${crypto.randomUUID()}`;
    const start = 1_800_000_000;
    for (let i = 0; i < 4; i++) await store.recordFailure(key, ACCOUNT_THROTTLE, start);
    expect(await store.recordFailure(key, ACCOUNT_THROTTLE, start + 900)).toBeNull();
    for (let i = 0; i < 3; i++) await store.recordFailure(key, ACCOUNT_THROTTLE, start + 901);
    expect(await store.recordFailure(key, ACCOUNT_THROTTLE, start + 902)).toBe(start + 902 + 900);
  });

  it('forgets a key on clear', async () => {
    const store = storesFor(env.DB).loginThrottles;
    const key = `user:clear-${crypto.randomUUID()}`;
    for (let i = 0; i < 5; i++) await store.recordFailure(key, ACCOUNT_THROTTLE, 1_800_000_000);
    expect(await store.lockedUntil([key], 1_800_000_000)).toBe(1_800_000_000 + 900);
    await store.clear(key);
    expect(await store.lockedUntil([key], 1_800_000_000)).toBeNull();
  });
});
