// DeviceAuthorizationStore on D1 (RFC 8628 §3.4–3.5): one poll is one batch that records a pending poll (slow_down
// adds to the interval), or redeems an approved authorization once under concurrency and stores the grant's first
// refresh token only when every check passes; a poll of another client, or of a spent or expired code, writes nothing.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import type { Client, DeviceAuthorization, DevicePoll, User } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { createTestClient } from '../helpers/clients';
import { createTestUser } from '../helpers/users';

const NOW = 1_800_000_000;
const API = 'https://api.example/';
const SLOW_DOWN_STEP_SECONDS = 5;

const stores = () => storesFor(env.DB);

async function storeAuthorization(
  client: Client,
  overrides: Partial<DeviceAuthorization> = {},
): Promise<DeviceAuthorization> {
  const authorization: DeviceAuthorization = {
    deviceCodeHash: generateOpaqueToken(),
    userCodeHash: generateOpaqueToken(),
    clientId: client.id,
    scopes: ['read', 'offline_access'],
    resources: [API],
    status: 'pending',
    userId: null,
    authTime: null,
    amr: null,
    pollIntervalSeconds: 5,
    lastPolledAt: null,
    createdAt: NOW - 10,
    expiresAt: NOW + 600,
    consumedAt: null,
    ...overrides,
  };
  await stores().deviceAuthorizations.create(authorization);
  return authorization;
}

const approvedBy = (user: User) => ({ status: 'approved' as const, userId: user.id, authTime: NOW - 5, amr: ['pwd'] });

/** A poll by `client` that passes every check and asks for a refresh token. */
const pollBy = (client: Client, overrides: Partial<DevicePoll> = {}): DevicePoll => ({
  clientId: client.id,
  scopes: [],
  resources: [],
  knownResources: [API],
  slowDownStepSeconds: SLOW_DOWN_STEP_SECONDS,
  grantId: generateOpaqueToken(),
  refreshToken: {
    tokenHash: generateOpaqueToken(),
    expiresAt: NOW + 100,
    grantExpiresAt: NOW + 1000,
    scopeRule: { grantedBy: 'offline_access', withheldBy: 'openid' },
  },
  ...overrides,
});

const row = (deviceCodeHash: string) =>
  env.DB.prepare('SELECT * FROM device_authorizations WHERE device_code_hash = ?').bind(deviceCodeHash).first();
const refreshTokenRow = (tokenHash: string) =>
  env.DB.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').bind(tokenHash).first();

describe('DeviceAuthorizationStore.poll', () => {
  it('records a pending poll, and adds the slow_down step to the interval when it came too soon (§3.5)', async () => {
    const { client } = await createTestClient();
    const { deviceCodeHash } = await storeAuthorization(client);
    const first = await stores().deviceAuthorizations.poll(deviceCodeHash, pollBy(client), NOW);
    expect(first).toMatchObject({ authorization: { status: 'pending', lastPolledAt: null }, redeemed: false });
    expect(await row(deviceCodeHash)).toMatchObject({ last_polled_at: NOW, poll_interval_seconds: 5 });
    // Within the interval: too soon, so 5 s more from now on, and the poll is the new reference.
    await stores().deviceAuthorizations.poll(deviceCodeHash, pollBy(client), NOW + 2);
    expect(await row(deviceCodeHash)).toMatchObject({ last_polled_at: NOW + 2, poll_interval_seconds: 10 });
    // After the (grown) interval: recorded, the interval kept.
    await stores().deviceAuthorizations.poll(deviceCodeHash, pollBy(client), NOW + 12);
    expect(await row(deviceCodeHash)).toMatchObject({ last_polled_at: NOW + 12, poll_interval_seconds: 10 });
  });

  it("writes nothing for another client's poll, an expired code or a denied one, and returns the row as it was", async () => {
    const { client } = await createTestClient();
    const { client: other } = await createTestClient();
    const { user } = await createTestUser();
    const pending = await storeAuthorization(client);
    const expired = await storeAuthorization(client, { expiresAt: NOW });
    const denied = await storeAuthorization(client, { status: 'denied', userId: user.id });
    const approved = await storeAuthorization(client, { ...approvedBy(user) });
    for (const [authorization, poller, at] of [
      [pending, other, NOW],
      [expired, client, NOW],
      [denied, client, NOW],
      [approved, other, NOW],
      [approved, client, NOW + 600],
    ] as const) {
      const before = await row(authorization.deviceCodeHash);
      const poll = pollBy(poller);
      const outcome = await stores().deviceAuthorizations.poll(authorization.deviceCodeHash, poll, at);
      expect(outcome).toMatchObject({
        authorization: { clientId: client.id, status: authorization.status },
        redeemed: false,
        refreshTokenStored: false,
      });
      expect(await row(authorization.deviceCodeHash)).toEqual(before);
      expect(await refreshTokenRow(poll.refreshToken!.tokenHash)).toBeNull();
    }
    expect(await stores().deviceAuthorizations.poll(generateOpaqueToken(), pollBy(client), NOW)).toEqual({
      authorization: null,
      redeemed: false,
      user: null,
      refreshTokenStored: false,
    });
  });

  it('redeems an approved code once under concurrency, with one first refresh token copied from it', async () => {
    const { client } = await createTestClient();
    const { user } = await createTestUser();
    const { deviceCodeHash } = await storeAuthorization(client, approvedBy(user));
    const polls = Array.from({ length: 4 }, () => pollBy(client));
    const outcomes = await Promise.all(
      polls.map((poll) => stores().deviceAuthorizations.poll(deviceCodeHash, poll, NOW)),
    );
    const winners = outcomes.flatMap((outcome, index) => (outcome.redeemed ? [index] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    expect(outcomes[winner]).toMatchObject({
      authorization: { status: 'approved', consumedAt: null, userId: user.id },
      user: { id: user.id },
      refreshTokenStored: true,
    });
    // The others saw it spent by the winner: nothing stored for them.
    for (const [index, outcome] of outcomes.entries()) {
      if (index === winner) continue;
      expect(outcome).toMatchObject({ authorization: { consumedAt: NOW }, refreshTokenStored: false });
      expect(await refreshTokenRow(polls[index]!.refreshToken!.tokenHash)).toBeNull();
    }
    expect(await row(deviceCodeHash)).toMatchObject({ consumed_at: NOW });
    expect(await refreshTokenRow(polls[winner]!.refreshToken!.tokenHash)).toMatchObject({
      grant_id: polls[winner]!.grantId,
      client_id: client.id,
      user_id: user.id,
      scope: 'read offline_access',
      resources: JSON.stringify([API]),
      claims: null,
      auth_time: NOW - 5,
      amr: JSON.stringify(['pwd']),
      created_at: NOW,
      expires_at: NOW + 100,
      grant_expires_at: NOW + 1000,
      rotated_at: null,
      revoked_at: null,
      dpop_jkt: null,
    });
  });

  it('spends the code but stores no refresh token for a disabled user, a resource outside it or a scope without one', async () => {
    const { client } = await createTestClient();
    const { user } = await createTestUser();
    const disabledUser = (await createTestUser()).user;
    await stores().users.setDisabled(disabledUser.id, true, NOW);
    const cases = [
      [await storeAuthorization(client, approvedBy(disabledUser)), pollBy(client)],
      [await storeAuthorization(client, approvedBy(user)), pollBy(client, { resources: ['https://other.example/'] })],
      [await storeAuthorization(client, { ...approvedBy(user), scopes: ['openid', 'read'] }), pollBy(client)],
    ] as const;
    for (const [authorization, poll] of cases) {
      const outcome = await stores().deviceAuthorizations.poll(authorization.deviceCodeHash, poll, NOW);
      expect(outcome).toMatchObject({ redeemed: true, refreshTokenStored: false });
      expect(await refreshTokenRow(poll.refreshToken!.tokenHash)).toBeNull();
    }
  });
});
