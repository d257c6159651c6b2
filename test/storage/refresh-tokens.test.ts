// RefreshTokenStore on D1: an exact round trip; rotation in one batch that exactly one of concurrent callers wins,
// that a revoked, expired or rotated token, another client, a disabled user or a request the grant does not cover
// never gets (and that changes nothing, except a reuse, which revokes the family, RFC 9700 §4.14.2); revocation by
// family, by client and by user.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import type { RefreshToken, RefreshTokenRotation } from '../../src/storage/types';
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
    amr: ['pwd'],
    createdAt: NOW,
    expiresAt: NOW + 3600,
    grantExpiresAt: NOW + 7200,
    rotatedAt: null,
    revokedAt: null,
    dpopJkt: null,
    claims: null,
    ...overrides,
  };
  await storesFor(env.DB).refreshTokens.create(token);
  return token;
}

const IDLE_TTL_SECONDS = 1000;

/** A rotation by the token's own client asking for nothing narrower than the grant. */
const rotationOf = (token: RefreshToken, overrides: Partial<RefreshTokenRotation> = {}): RefreshTokenRotation => ({
  clientId: token.clientId,
  scopes: [],
  resources: [],
  knownResources: ['https://api.example/', 'https://other.example/'],
  successorHash: generateOpaqueToken(),
  idleTtlSeconds: IDLE_TTL_SECONDS,
  reuseIntervalSeconds: 0,
  ...overrides,
});

/** Every column of every token of the family, to show that a refused rotation changed nothing. */
const familyRows = (grantId: string) =>
  env.DB.prepare('SELECT * FROM refresh_tokens WHERE grant_id = ? ORDER BY token_hash')
    .bind(grantId)
    .all()
    .then(({ results }) => results);

describe('RefreshTokenStore', () => {
  it('round-trips a token, scopes and JSON resources included', async () => {
    const token = await storedToken();
    expect(await storesFor(env.DB).refreshTokens.findByHash(token.tokenHash)).toEqual(token);
    expect(await storesFor(env.DB).refreshTokens.findByHash('unknown')).toBeNull();
  });

  it('rotates a token once: of concurrent rotations exactly one stores its successor', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken();
    const rotations = Array.from({ length: 5 }, () => rotationOf(token));
    const results = await Promise.all(rotations.map((rotation) => store.rotate(token.tokenHash, rotation, NOW)));
    expect(results.filter((result) => result.rotated)).toHaveLength(1);

    const winner = rotations[results.findIndex((result) => result.rotated)]!;
    const stored = await Promise.all(rotations.map((rotation) => store.findByHash(rotation.successorHash)));
    // The successor keeps the grant, scope, resources, auth time and family end; its idle expiry starts now. The
    // losers presented a token rotated by then: a reuse, which revoked the family, the successor included.
    expect(stored.filter((found) => found !== null)).toEqual([
      {
        ...token,
        tokenHash: winner.successorHash,
        createdAt: NOW,
        expiresAt: NOW + IDLE_TTL_SECONDS,
        revokedAt: NOW,
      },
    ]);
    expect((await store.findByHash(token.tokenHash))?.rotatedAt).toBe(NOW);
  });

  it('returns the token as it stood and its user, and caps the successor at the family end', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken({ grantExpiresAt: NOW + 10 });
    const rotation = rotationOf(token);
    const result = await store.rotate(token.tokenHash, rotation, NOW);
    expect(result).toEqual({ rotated: true, token, user: expect.objectContaining({ id: token.userId }) });
    expect((await store.findByHash(rotation.successorHash))?.expiresAt).toBe(NOW + 10);
  });

  it.each([
    ['revoked', { revokedAt: NOW - 1 }],
    ['idle-expired', { expiresAt: NOW }],
    ['past its family end', { grantExpiresAt: NOW }],
  ])('does not rotate a token that is %s, and changes nothing', async (_, overrides) => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken(overrides);
    const before = await familyRows(token.grantId);
    const rotation = rotationOf(token);
    expect(await store.rotate(token.tokenHash, rotation, NOW)).toMatchObject({ rotated: false, token });
    expect(await familyRows(token.grantId)).toEqual(before);
  });

  it.each([
    ['for another client', { clientId: 'another-client' }],
    ['for a scope outside the grant', { scopes: ['openid', 'write'] }],
    ['for a resource outside the grant', { resources: ['https://other.example/'] }],
    ['for a resource this issuer no longer serves', { knownResources: ['https://other.example/'] }],
  ])('does not rotate when asked %s, and changes nothing', async (_, overrides) => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken();
    const before = await familyRows(token.grantId);
    expect(await store.rotate(token.tokenHash, rotationOf(token, overrides), NOW)).toMatchObject({ rotated: false });
    expect(await familyRows(token.grantId)).toEqual(before);
  });

  it('rotates when the request narrows the scope and names a granted resource', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken();
    const rotation = rotationOf(token, { scopes: ['offline_access'], resources: ['https://api.example/'] });
    expect(await store.rotate(token.tokenHash, rotation, NOW)).toMatchObject({ rotated: true });
  });

  it('does not rotate the token of a disabled user, and changes nothing', async () => {
    const stores = storesFor(env.DB);
    const token = await storedToken();
    await stores.users.setDisabled(token.userId!, true, NOW);
    const before = await familyRows(token.grantId);
    const result = await stores.refreshTokens.rotate(token.tokenHash, rotationOf(token), NOW);
    expect(result).toMatchObject({ rotated: false, user: expect.objectContaining({ disabled: true }) });
    expect(await familyRows(token.grantId)).toEqual(before);
  });

  it('revokes the whole family when a rotated token is presented again by its client, not by another', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken({ rotatedAt: NOW - 1 });
    const successor = await storedToken({ grantId: token.grantId, clientId: token.clientId, userId: token.userId });
    const stranger = await storedToken();

    const before = await familyRows(token.grantId);
    expect(await store.rotate(token.tokenHash, rotationOf(token, { clientId: 'another-client' }), NOW)).toMatchObject({
      rotated: false,
    });
    expect(await familyRows(token.grantId)).toEqual(before);

    const reuse = rotationOf(token);
    expect(await store.rotate(token.tokenHash, reuse, NOW)).toMatchObject({ rotated: false, token });
    expect((await store.findByHash(successor.tokenHash))?.revokedAt).toBe(NOW);
    expect((await store.findByHash(token.tokenHash))?.revokedAt).toBe(NOW);
    expect(await store.findByHash(reuse.successorHash)).toBeNull();
    expect((await store.findByHash(stranger.tokenHash))?.revokedAt).toBeNull();
  });

  it('stores a sibling for a reuse within the interval and keeps the first rotation time', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken({ rotatedAt: NOW - 29 });
    const successor = await storedToken({ grantId: token.grantId, clientId: token.clientId, userId: token.userId });

    const reuse = rotationOf(token, { reuseIntervalSeconds: 30 });
    expect(await store.rotate(token.tokenHash, reuse, NOW)).toMatchObject({ rotated: true, token });
    expect(await store.findByHash(reuse.successorHash)).toEqual({
      ...token,
      tokenHash: reuse.successorHash,
      createdAt: NOW,
      expiresAt: NOW + IDLE_TTL_SECONDS,
      rotatedAt: null,
    });
    expect((await store.findByHash(token.tokenHash))?.rotatedAt).toBe(NOW - 29);
    expect((await store.findByHash(successor.tokenHash))?.revokedAt).toBeNull();
  });

  it('changes nothing for a mismatched reuse within the interval', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken({ rotatedAt: NOW - 1 });
    await storedToken({ grantId: token.grantId, clientId: token.clientId, userId: token.userId });
    const before = await familyRows(token.grantId);
    for (const mismatch of [
      { clientId: 'another-client' },
      { scopes: ['openid', 'write'] },
      { resources: ['https://other.example/'] },
    ]) {
      const rotation = rotationOf(token, { reuseIntervalSeconds: 30, ...mismatch });
      expect(await store.rotate(token.tokenHash, rotation, NOW)).toMatchObject({ rotated: false });
    }
    expect(await familyRows(token.grantId)).toEqual(before);
  });

  it('revokes the family, and only it, for a reuse once the interval has passed (RFC 9700 §4.14.2)', async () => {
    const store = storesFor(env.DB).refreshTokens;
    const token = await storedToken({ rotatedAt: NOW - 30 });
    const successor = await storedToken({ grantId: token.grantId, clientId: token.clientId, userId: token.userId });
    const sameUserAndClient = await storedToken({ clientId: token.clientId, userId: token.userId });

    const reuse = rotationOf(token, { reuseIntervalSeconds: 30 });
    expect(await store.rotate(token.tokenHash, reuse, NOW)).toMatchObject({ rotated: false });
    expect((await store.findByHash(successor.tokenHash))?.revokedAt).toBe(NOW);
    expect(await store.findByHash(reuse.successorHash)).toBeNull();
    expect((await store.findByHash(sameUserAndClient.tokenHash))?.revokedAt).toBeNull();
  });

  it('finds nothing to rotate for an unknown token', async () => {
    const token = await storedToken();
    expect(await storesFor(env.DB).refreshTokens.rotate('unknown', rotationOf(token), NOW)).toEqual({
      rotated: false,
      token: null,
      user: null,
    });
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
