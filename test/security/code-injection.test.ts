// Authorization code injection and replay (RFC 9700 §4.5, RFC 6749 §4.1.2 and §10.5, RFC 6819 §4.4.1.1): a code is
// bound to its client, its redirect URI and its PKCE challenge, works once, and a replay revokes what it issued.
import { describe, expect, it } from 'vitest';
import {
  codeForNewUser,
  createCodeClient,
  createPublicCodeClient,
  exchangeCode,
  expectInvalidGrant,
  pkcePair,
  refreshWith,
} from '../helpers/authorization';

describe('authorization code injection (RFC 9700 §4.5)', () => {
  it.each([
    ['confidential', createCodeClient],
    ['public', createPublicCodeClient],
  ])('refuses a %s client’s code redeemed by another client, even with the right verifier', async (_, create) => {
    const victim = await create();
    const attacker = await create();
    const code = await codeForNewUser(victim);
    await expectInvalidGrant(await exchangeCode(attacker, code), 'the authorization code was issued to another client');
  });

  it('refuses an injected code redeemed with the attacker’s own PKCE verifier (RFC 9700 §4.5.3.1, RFC 7636 §4.6)', async () => {
    const client = await createPublicCodeClient();
    const stolen = await codeForNewUser(client);
    const attackerVerifier = (await pkcePair()).verifier;
    await expectInvalidGrant(
      await exchangeCode(client, { code: stolen.code, verifier: attackerVerifier }),
      'code_verifier does not match the code_challenge',
    );
  });

  it('spends a code on a failed injection, so the thief cannot retry with other values', async () => {
    const client = await createPublicCodeClient();
    const code = await codeForNewUser(client);
    expect((await exchangeCode(client, { code: code.code, verifier: (await pkcePair()).verifier })).status).toBe(400);
    expect((await exchangeCode(client, code)).status).toBe(400);
  });
});

describe('authorization code replay (RFC 6749 §4.1.2, RFC 6819 §4.4.1.1)', () => {
  it('refuses a replayed code and revokes the refresh token the first redemption issued', async () => {
    const client = await createCodeClient();
    const code = await codeForNewUser(client);
    const first = await exchangeCode(client, code);
    expect(first.status).toBe(200);
    const { refresh_token: refreshToken } = await first.json<{ refresh_token: string }>();

    await expectInvalidGrant(
      await exchangeCode(client, code),
      'the authorization code was already used; the tokens issued from it are revoked',
    );
    await expectInvalidGrant(await refreshWith(client, refreshToken), 'the refresh token has been revoked');
  });

  it('lets exactly one of ten concurrent redemptions of one code succeed', async () => {
    const client = await createCodeClient();
    const code = await codeForNewUser(client);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => exchangeCode(client, code).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(9);
  });
});
