// RefreshTokenStore on D1: an exact round trip; rotation that exactly one of concurrent callers wins and that a
// revoked, expired or rotated token never gets; revocation by family (RFC 9700 §4.14.2), by client and by user.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import type { RefreshToken } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient } from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

const NOW = 1_800_000_000;

async function storedToken(overrides: Partial<RefreshToken> = {}): Promise<RefreshToken> {
  const { client } = await createCodeClient();
  const { user } = await createTestUser();
  const token: RefreshToken = {
    tokenHash: generateOpaqueToken(),
    grantId: generateOpaqueToken(16),
    clientId: client.id,
    userId: user.id,
    scopes: ['openid', 'offline_access'],
    resources: ['https://api.example/'],
    authTime: NOW - 60,
    createdAt: NOW,
    expiresAt: NOW + 3600,
    grantExpiresAt: NOW + 7200,
    rotatedAt: null,
    revokedAt: null,
    claims: null,
    ...overrides,
  };
  await storesFor(env.DB).refreshTokens.create(token);
  return token;
}

const successorOf = (token: RefreshToken): RefreshToken => ({
  ...token,
  tokenHash: generateOpaqueToken(),
  createdAt: NOW,
});

describe('RefreshTokenStore', () => {
  it('round-trips a token, scopes and JSON resources included', async () => {
    const token = await storedToken();
    expect(await storesFor(env.DB).refreshTokens.findByHash(token.tokenHash)).toEqual(token);
    expect(await storesFor(env.DB).refreshTokens.findByHash('unknown')).toBeNull();
  });

  it('rotates a token once: of concurrent rotations exactly one stores its successor', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken();
    const successors = Array.from({ length: 5 }, () => successorOf(token));
    const results = await Promise.all(successors.map((successor) => store.rotate(token.tokenHash, successor, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);

    const stored = await Promise.all(successors.map((successor) => store.findByHash(successor.tokenHash)));
    expect(stored.filter((found) => found !== null)).toEqual([successors[results.indexOf(true)]]);
    expect((await store.findByHash(token.tokenHash))?.rotatedAt).toBe(NOW);
  });

  it.each([
    ['revoked', { revokedAt: NOW - 1 }],
    ['idle-expired', { expiresAt: NOW }],
    ['past its family end', { grantExpiresAt: NOW }],
    ['already rotated', { rotatedAt: NOW - 1 }],
  ])('does not rotate a token that is %s', async (_, overrides) => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken(overrides);
    const successor = successorOf(token);
    expect(await store.rotate(token.tokenHash, successor, NOW)).toBe(false);
    expect(await store.findByHash(successor.tokenHash)).toBeNull();
  });

  it('revokes a family and keeps the time of the first revocation', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken();
    const sibling = await storedToken({ grantId: token.grantId, clientId: token.clientId, userId: token.userId });
    const stranger = await storedToken();
    await store.revokeGrant(token.grantId, NOW);
    await store.revokeGrant(token.grantId, NOW + 5);
    expect((await store.findByHash(token.tokenHash))?.revokedAt).toBe(NOW);
    expect((await store.findByHash(sibling.tokenHash))?.revokedAt).toBe(NOW);
    expect((await store.findByHash(stranger.tokenHash))?.revokedAt).toBeNull();
  });

  it('revokes every token of a client, or of a user', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const byClient = await storedToken();
    const byUser = await storedToken();
    await store.revokeByClient(byClient.clientId, NOW);
    await store.revokeByUser(byUser.userId!, NOW);
    expect((await store.findByHash(byClient.tokenHash))?.revokedAt).toBe(NOW);
    expect((await store.findByHash(byUser.tokenHash))?.revokedAt).toBe(NOW);
  });
});
