// CodeStore and ConsentStore on D1: a code stored only as its hash with its request binding and lifetime, redeemed
// once under concurrency, a replay told from an unknown code (RFC 6749 §4.1.2); consents replaced and deleted.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient, REDIRECT_URI } from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

const NOW = 1_800_000_000;

describe('CodeStore', () => {
  it('stores only the hash of a code, bound to its request, for the configured lifetime', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const stores = storesFor(env.DB);
    const binding = {
      clientId: client.id,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'read'],
      resources: ['https://api.example/'],
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      nonce: 'n',
      claims: { userinfo: { name: { essential: true } } },
      authTime: NOW - 5,
    };
    const code = await issueAuthorizationCode(stores, { authorizationCodeTtlSeconds: 60 }, binding, NOW);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await env.DB.prepare('SELECT COUNT(*) AS n FROM authorization_codes WHERE code_hash = ?')
      .bind(code)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);

    const redemption = await stores.codes.consume(await hashOpaqueToken(code), NOW + 1);
    expect(redemption).toEqual({
      status: 'redeemed',
      code: {
        ...binding,
        codeHash: await hashOpaqueToken(code),
        grantId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        codeChallengeMethod: 'S256',
        createdAt: NOW,
        expiresAt: NOW + 60,
        consumedAt: NOW + 1,
      },
    });
  });

  it('tells a replayed code from an unknown one, and redeems a code once under concurrency', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const stores = storesFor(env.DB);
    const code = await issueAuthorizationCode(
      stores,
      { authorizationCodeTtlSeconds: 60 },
      {
        clientId: client.id,
        userId: user.id,
        redirectUri: REDIRECT_URI,
        scopes: ['read'],
        resources: [],
        codeChallenge: null,
        nonce: null,
        authTime: NOW,
      },
      NOW,
    );
    const codeHash = await hashOpaqueToken(code);
    const results = await Promise.all([1, 2, 3].map(() => stores.codes.consume(codeHash, NOW)));
    expect(results.map((result) => result.status).sort()).toEqual(['redeemed', 'replayed', 'replayed']);
    expect(await stores.codes.consume('unknown', NOW)).toEqual({ status: 'unknown' });
  });
});

describe('ConsentStore', () => {
  it('finds nothing, then the granted scopes, replaced by a later grant, until deleted', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const consents = storesFor(env.DB).consents;
    expect(await consents.find(user.id, client.id)).toBeNull();

    await consents.upsert({ userId: user.id, clientId: client.id, scopes: ['openid', 'read'] }, NOW);
    await consents.upsert({ userId: user.id, clientId: client.id, scopes: ['openid', 'read', 'write'] }, NOW + 10);
    expect(await consents.find(user.id, client.id)).toEqual({
      userId: user.id,
      clientId: client.id,
      scopes: ['openid', 'read', 'write'],
      createdAt: NOW,
      updatedAt: NOW + 10,
    });

    await consents.delete(user.id, client.id);
    expect(await consents.find(user.id, client.id)).toBeNull();
  });
});
