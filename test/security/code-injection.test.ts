// Authorization code injection and replay (RFC 9700 §4.5, RFC 6749 §4.1.2 and §10.5, RFC 6819 §4.4.1.1): a code is
// bound to its client, its redirect URI and its PKCE challenge, works once, and a replay revokes what it issued.
import { describe, expect, it } from 'vitest';
import {
  createCodeClient,
  createPublicCodeClient,
  exchangeCode,
  expectOAuthError,
  issueTestCode,
  pkcePair,
  refreshWith,
} from '../helpers/authorization';
import { createTestUser } from '../helpers/users';

describe('authorization code injection (RFC 9700 §4.5)', () => {
  it('refuses a code stolen from one confidential client and redeemed by another', async () => {
    const victim = await createCodeClient();
    const attacker = await createCodeClient();
    const { user } = await createTestUser();
    const code = await issueTestCode(victim.client, user);
    await expectOAuthError(
      await exchangeCode(attacker, code),
      400,
      'invalid_grant',
      'the authorization code was issued to another client',
    );
  });

  it('refuses a public client’s code injected into another public client, even with the right verifier', async () => {
    const victim = await createPublicCodeClient();
    const attacker = await createPublicCodeClient();
    const { user } = await createTestUser();
    const code = await issueTestCode(victim.client, user);
    await expectOAuthError(
      await exchangeCode(attacker, code),
      400,
      'invalid_grant',
      'the authorization code was issued to another client',
    );
  });

  it('refuses an injected code redeemed with the attacker’s own PKCE verifier (RFC 9700 §4.5.3.1, RFC 7636 §4.6)', async () => {
    const client = await createPublicCodeClient();
    const { user } = await createTestUser();
    const stolen = await issueTestCode(client.client, user);
    const attackerVerifier = (await pkcePair()).verifier;
    await expectOAuthError(
      await exchangeCode(client, { code: stolen.code, verifier: attackerVerifier }),
      400,
      'invalid_grant',
      'code_verifier does not match the code_challenge',
    );
  });

  it('spends a code on a failed injection, so the thief cannot retry with other values', async () => {
    const client = await createPublicCodeClient();
    const { user } = await createTestUser();
    const code = await issueTestCode(client.client, user);
    expect((await exchangeCode(client, { code: code.code, verifier: (await pkcePair()).verifier })).status).toBe(400);
    expect((await exchangeCode(client, code)).status).toBe(400);
  });
});

describe('authorization code replay (RFC 6749 §4.1.2, RFC 6819 §4.4.1.1)', () => {
  it('refuses a replayed code and revokes the refresh token the first redemption issued', async () => {
    const client = await createCodeClient();
    const { user } = await createTestUser();
    const code = await issueTestCode(client.client, user);
    const first = await exchangeCode(client, code);
    expect(first.status).toBe(200);
    const { refresh_token: refreshToken } = await first.json<{ refresh_token: string }>();

    await expectOAuthError(
      await exchangeCode(client, code),
      400,
      'invalid_grant',
      'the authorization code was already used; the tokens issued from it are revoked',
    );
    await expectOAuthError(
      await refreshWith(client, refreshToken),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
  });

  it('lets exactly one of ten concurrent redemptions of one code succeed', async () => {
    const client = await createCodeClient();
    const { user } = await createTestUser();
    const code = await issueTestCode(client.client, user);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => exchangeCode(client, code).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(9);
  });
});
