// Refresh token replay (RFC 9700 §4.14.2, RFC 6819 §5.2.2.2 and §5.2.2.3): rotation makes a stolen refresh token
// good for one use, a replay after rotation revokes the whole family, and a token is bound to its client.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import {
  createCodeClient,
  createPublicCodeClient,
  expectOAuthError,
  refreshWith,
  signIn,
  type TokenSet,
} from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

const REUSED = 'the refresh token was already used; every token of its grant is revoked';

describe('refresh token replay after rotation (RFC 9700 §4.14.2)', () => {
  it('revokes the family when the legitimate client’s rotated token is replayed by a thief', async () => {
    const client = await createCodeClient();
    const { user } = await createTestUser();
    const stolen = (await signIn(client, user)).refresh_token!;
    const legitimate = await (await refreshWith(client, stolen)).json<TokenSet>();

    await expectOAuthError(await refreshWith(client, stolen), 400, 'invalid_grant', REUSED);
    await expectOAuthError(
      await refreshWith(client, legitimate.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
  });

  it('revokes the family when the thief rotated first and the legitimate client comes back', async () => {
    const client = await createPublicCodeClient();
    const { user } = await createTestUser();
    const shared = (await signIn(client, user)).refresh_token!;
    const thief = await (await refreshWith(client, shared)).json<TokenSet>();

    await expectOAuthError(await refreshWith(client, shared), 400, 'invalid_grant', REUSED);
    expect((await refreshWith(client, thief.refresh_token!)).status).toBe(400);
  });

  it('issues one successor to concurrent replays of one token', async () => {
    const client = await createCodeClient();
    const { user } = await createTestUser();
    const token = (await signIn(client, user)).refresh_token!;
    const responses = await Promise.all(Array.from({ length: 8 }, () => refreshWith(client, token)));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    const family = await env.DB.prepare('SELECT count(*) AS n FROM refresh_tokens WHERE grant_id = ?')
      .bind((await storesFor(env.DB).refreshTokens.findByHash(await hashOpaqueToken(token)))!.grantId)
      .first<{ n: number }>();
    expect(family!.n).toBe(2);
  });
});

describe('refresh token replay across clients (RFC 6819 §5.2.2.2: bound to client_id)', () => {
  it('refuses another confidential client’s refresh token and leaves it working for its owner', async () => {
    const owner = await createCodeClient();
    const attacker = await createCodeClient();
    const { user } = await createTestUser();
    const token = (await signIn(owner, user)).refresh_token!;
    await expectOAuthError(await refreshWith(attacker, token), 400, 'invalid_grant', 'the refresh token is invalid');
    expect((await refreshWith(owner, token)).status).toBe(200);
  });

  it('refuses a public client’s refresh token presented with another public client’s client_id', async () => {
    const owner = await createPublicCodeClient();
    const attacker = await createPublicCodeClient();
    const { user } = await createTestUser();
    const token = (await signIn(owner, user)).refresh_token!;
    await expectOAuthError(await refreshWith(attacker, token), 400, 'invalid_grant', 'the refresh token is invalid');
  });
});
