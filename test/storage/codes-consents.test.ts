// CodeStore and ConsentStore on D1: a code stored only as its hash with its request binding and lifetime, redeemed
// once under concurrency, a replay told from an unknown code (RFC 6749 §4.1.2); consents replaced and deleted.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code';
import { storesFor } from '../../src/storage/stores';
import type { AuthorizationCodeBinding } from '../../src/oauth/authorization-code';
import type { Client, CodeExchange, User } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient, REDIRECT_URI } from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

const NOW = 1_800_000_000;
// RFC 7636 Appendix B.
const VERIFIER_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** An exchange by the code's own client that passes every check and asks for a refresh token. */
const exchangeFor = (client: Client, overrides: Partial<CodeExchange> = {}): CodeExchange => ({
  clientId: client.id,
  scopes: [],
  resources: [],
  knownResources: ['https://api.example/'],
  redirectUri: REDIRECT_URI,
  verifierChallenge: VERIFIER_CHALLENGE,
  allowsNoChallenge: false,
  refreshToken: {
    tokenHash: generateOpaqueToken(),
    expiresAt: NOW + 100,
    grantExpiresAt: NOW + 1000,
    scopeRule: { grantedBy: 'offline_access', withheldBy: 'openid' },
  },
  ...overrides,
});

async function codeFor(client: Client, user: User, overrides: Partial<AuthorizationCodeBinding> = {}) {
  const code = await issueAuthorizationCode(
    storesFor(env.DB),
    { authorizationCodeTtlSeconds: 60 },
    {
      clientId: client.id,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['read'],
      resources: ['https://api.example/'],
      codeChallenge: VERIFIER_CHALLENGE,
      nonce: null,
      authTime: NOW,
      ...overrides,
    },
    NOW,
  );
  return hashOpaqueToken(code);
}

const refreshTokenRow = (tokenHash: string) =>
  env.DB.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').bind(tokenHash).first();

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
      codeChallenge: VERIFIER_CHALLENGE,
      nonce: 'n',
      claims: { userinfo: { name: { essential: true } } },
      authTime: NOW - 5,
      amr: ['pwd', 'otp'],
    };
    const code = await issueAuthorizationCode(stores, { authorizationCodeTtlSeconds: 60 }, binding, NOW);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await env.DB.prepare('SELECT COUNT(*) AS n FROM authorization_codes WHERE code_hash = ?')
      .bind(code)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);

    const redemption = await stores.codes.consume(
      await hashOpaqueToken(code),
      exchangeFor(client, { refreshToken: null }),
      NOW + 1,
    );
    expect(redemption).toEqual({
      status: 'redeemed',
      code: {
        ...binding,
        codeHash: await hashOpaqueToken(code),
        grantId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        codeChallengeMethod: 'S256',
        dpopJkt: null,
        createdAt: NOW,
        expiresAt: NOW + 60,
        consumedAt: NOW + 1,
      },
      user,
      refreshTokenStored: false,
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
    const exchanges = [1, 2, 3].map(() => exchangeFor(client, { verifierChallenge: null, allowsNoChallenge: true }));
    const results = await Promise.all(exchanges.map((exchange) => stores.codes.consume(codeHash, exchange, NOW)));
    expect(results.map((result) => result.status).sort()).toEqual(['redeemed', 'replayed', 'replayed']);
    // Only the redemption that won stored its refresh token.
    const rows = await Promise.all(exchanges.map((exchange) => refreshTokenRow(exchange.refreshToken!.tokenHash)));
    expect(rows.map((row) => row !== null)).toEqual(results.map((result) => result.status === 'redeemed'));
    expect(await stores.codes.consume('unknown', exchangeFor(client), NOW)).toEqual({ status: 'unknown' });
  });

  it('stores the first refresh token from the code, for the family the exchange names', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const claims = { idToken: { email: { essential: true } } };
    const codeHash = await codeFor(client, user, { claims, amr: ['hwk', 'user'] });
    const exchange = exchangeFor(client);
    const redemption = await storesFor(env.DB).codes.consume(codeHash, exchange, NOW + 1);
    expect(redemption).toMatchObject({ status: 'redeemed', refreshTokenStored: true });
    const code = redemption.status === 'redeemed' ? redemption.code : undefined;
    expect(await storesFor(env.DB).refreshTokens.findByHash(exchange.refreshToken!.tokenHash)).toEqual({
      tokenHash: exchange.refreshToken!.tokenHash,
      grantId: code?.grantId,
      clientId: client.id,
      userId: user.id,
      scopes: ['read'],
      resources: ['https://api.example/'],
      claims,
      authTime: NOW,
      // The sign-in methods travel with the grant, for the ID Tokens of its refreshes.
      amr: ['hwk', 'user'],
      createdAt: NOW + 1,
      expiresAt: NOW + 100,
      grantExpiresAt: NOW + 1000,
      rotatedAt: null,
      revokedAt: null,
      dpopJkt: null,
    });
  });

  it.each([
    ['another client', { clientId: 'another-client' }, {}],
    ['another redirect_uri', { redirectUri: `${REDIRECT_URI}/` }, {}],
    ['the wrong code_verifier', { verifierChallenge: 'x'.repeat(43) }, {}],
    ['no code_verifier for a code with a challenge', { verifierChallenge: null, allowsNoChallenge: true }, {}],
    ['no code_verifier from a public client', { verifierChallenge: null }, { codeChallenge: null }],
    ['a resource outside the grant', { resources: ['https://other.example/'] }, {}],
    ['a resource the issuer no longer serves', { knownResources: ['https://other.example/'] }, {}],
    ['an OpenID scope without offline_access', {}, { scopes: ['openid', 'read'] }],
  ] satisfies Array<[string, Partial<CodeExchange>, Partial<AuthorizationCodeBinding>]>)(
    'spends the code but stores no refresh token for %s',
    async (_, exchangeOverrides, codeOverrides) => {
      const { client } = await createCodeClient();
      const { user } = await createTestUser();
      const codeHash = await codeFor(client, user, codeOverrides);
      const exchange = exchangeFor(client, exchangeOverrides);
      const stores = storesFor(env.DB);
      expect(await stores.codes.consume(codeHash, exchange, NOW)).toMatchObject({
        status: 'redeemed',
        refreshTokenStored: false,
      });
      expect(await refreshTokenRow(exchange.refreshToken!.tokenHash)).toBeNull();
      expect(await stores.codes.consume(codeHash, exchangeFor(client), NOW)).toMatchObject({ status: 'replayed' });
    },
  );

  it('stores no refresh token for an expired code or a disabled user', async () => {
    const { client } = await createCodeClient();
    const stores = storesFor(env.DB);
    const expired = exchangeFor(client);
    const { user } = await createTestUser();
    expect(await stores.codes.consume(await codeFor(client, user), expired, NOW + 60)).toMatchObject({
      refreshTokenStored: false,
    });
    const disabled = exchangeFor(client);
    const codeHash = await codeFor(client, user);
    await stores.users.setDisabled(user.id, true, NOW);
    expect(await stores.codes.consume(codeHash, disabled, NOW)).toMatchObject({
      refreshTokenStored: false,
      user: expect.objectContaining({ disabled: true }),
    });
    expect(await refreshTokenRow(expired.refreshToken!.tokenHash)).toBeNull();
    expect(await refreshTokenRow(disabled.refreshToken!.tokenHash)).toBeNull();
  });

  it('revokes the refresh tokens issued from a code when it is replayed, in the same call', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const codeHash = await codeFor(client, user);
    const first = exchangeFor(client);
    const stores = storesFor(env.DB);
    await stores.codes.consume(codeHash, first, NOW);
    const replay = exchangeFor(client);
    expect(await stores.codes.consume(codeHash, replay, NOW + 1)).toMatchObject({ status: 'replayed' });
    expect((await stores.refreshTokens.findByHash(first.refreshToken!.tokenHash))?.revokedAt).toBe(NOW + 1);
    expect(await refreshTokenRow(replay.refreshToken!.tokenHash)).toBeNull();
  });

  it('stores a code and the consent that allowed it together', async () => {
    const { client } = await createCodeClient();
    const { user } = await createTestUser();
    const stores = storesFor(env.DB);
    await issueAuthorizationCode(
      stores,
      { authorizationCodeTtlSeconds: 60 },
      {
        clientId: client.id,
        userId: user.id,
        redirectUri: REDIRECT_URI,
        scopes: ['openid'],
        resources: [],
        codeChallenge: null,
        nonce: null,
        authTime: NOW,
      },
      NOW,
      { userId: user.id, clientId: client.id, scopes: ['openid'] },
    );
    expect(await stores.consents.find(user.id, client.id)).toMatchObject({ scopes: ['openid'], createdAt: NOW });
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
