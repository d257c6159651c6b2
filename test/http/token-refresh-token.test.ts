// grant_type=refresh_token (RFC 6749 §6): rotation with an ID Token without nonce (OIDC Core §12.2), reuse revoking
// the family (RFC 9700 §4.14.2), one winner among concurrent uses, scope narrowing, 14-day idle and 90-day absolute
// lifetimes, and refusals for another client, a disabled user or a client without the grant.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { jwtVerify } from 'jose';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import {
  CODE_FLOW_TOKEN_RESPONSE,
  createCodeClient,
  createPublicCodeClient,
  expectOAuthError,
  refreshWith,
  signIn,
  type TokenSet,
} from '../helpers/authorization';
import { TEST_ISSUER } from '../helpers/constants';
import { publishedKeys } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const DAY_MS = 24 * 3600 * 1000;
const REUSED = 'the refresh token was already used; every token of its grant is revoked';
const REVOKED = 'the refresh token has been revoked';

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /oauth/token grant_type=refresh_token', () => {
  it('rotates: returns a new refresh token, an access token and an ID Token without nonce (OIDC Core §12.2)', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const authTime = Math.floor(Date.now() / 1000) - 30;
    const first = await signIn(testClient, user, { authTime });

    const response = await refreshWith(testClient, first.refresh_token!);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const second = await response.json<TokenSet>();
    expect(second).toEqual(CODE_FLOW_TOKEN_RESPONSE);
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const { payload } = await jwtVerify(second.id_token!, await publishedKeys(), {
      issuer: TEST_ISSUER,
      audience: testClient.client.id,
    });
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      sub: user.id,
      aud: testClient.client.id,
      azp: testClient.client.id,
      iat: expect.any(Number),
      exp: payload.iat! + 900,
      auth_time: authTime,
      at_hash: expect.any(String),
      acr: 'urn:portcullis:acr:password',
      amr: ['pwd'],
    });
  });

  it('accepts the new refresh token and refuses the old one', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    const third = await refreshWith(testClient, second.refresh_token!);
    expect(third.status).toBe(200);
    await expectOAuthError(await refreshWith(testClient, first.refresh_token!), 400, 'invalid_grant', REUSED);
  });

  it('treats a rotated token presented again as theft and revokes the family, newest token included (RFC 9700 §4.14.2)', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();

    await expectOAuthError(await refreshWith(testClient, first.refresh_token!), 400, 'invalid_grant', REUSED);
    await expectOAuthError(await refreshWith(testClient, second.refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('lets exactly one of concurrent uses of one refresh token succeed, and stores one successor', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const responses = await Promise.all(Array.from({ length: 4 }, () => refreshWith(testClient, first.refresh_token!)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 400, 400, 400]);

    const stored = await storesFor(env.DB).refreshTokens.findByHash(await hashOpaqueToken(first.refresh_token!));
    const family = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE grant_id = ?')
      .bind(stored!.grantId)
      .first<{ n: number }>();
    expect(family?.n).toBe(2);
    // The losers presented a token that was rotated by then: reuse, so the winner's successor is revoked too.
    const winner = await responses.find((response) => response.status === 200)!.json<TokenSet>();
    await expectOAuthError(await refreshWith(testClient, winner.refresh_token!), 400, 'invalid_grant', REVOKED);
  });

  it('narrows the scope of the access token and keeps the whole scope in the new refresh token (RFC 6749 §6)', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const narrowed = await (await refreshWith(testClient, first.refresh_token!, { scope: 'read' })).json<TokenSet>();
    expect(narrowed).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read',
      refresh_token: expect.any(String),
    });

    const whole = await (await refreshWith(testClient, narrowed.refresh_token!)).json<TokenSet>();
    expect(whole.scope).toBe('openid profile email offline_access read');
  });

  it('refuses a scope wider than the grant with invalid_scope (RFC 6749 §6)', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const response = await refreshWith(testClient, first.refresh_token!, { scope: 'read write' });
    await expectOAuthError(response, 400, 'invalid_scope', 'the client may not request: write');
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(200);
  });

  it('refuses a resource outside the grant with invalid_target and leaves the token usable (RFC 8707 §2.2)', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const response = await refreshWith(testClient, first.refresh_token!, { resource: `${TEST_ISSUER}/api` });
    await expectOAuthError(
      response,
      400,
      'invalid_target',
      `the grant does not cover the resource: ${TEST_ISSUER}/api`,
    );
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(200);
  });

  it('leaves the token usable after a refusal for a disabled user, once the user is enabled again', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const first = await signIn(testClient, user);
    const users = storesFor(env.DB).users;
    await users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(400);
    await users.setDisabled(user.id, false, Math.floor(Date.now() / 1000));
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(200);
  });

  it('lets a public client refresh with its client_id', async () => {
    const testClient = await createPublicCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(200);
  });
});

describe('refresh token lifetimes', () => {
  it('expires a refresh token unused for 14 days (idle lifetime)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const start = Date.now();
    vi.setSystemTime(start + 14 * DAY_MS - 1000);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    vi.setSystemTime(start + 28 * DAY_MS - 1000);
    await expectOAuthError(
      await refreshWith(testClient, second.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has expired',
    );
  });

  it('ends a family 90 days after sign-in however often it is rotated (absolute lifetime)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    let token = (await signIn(testClient, (await createTestUser()).user)).refresh_token!;
    const start = Date.now();
    for (const day of [13, 26, 39, 52, 65, 78, 89]) {
      vi.setSystemTime(start + day * DAY_MS);
      const response = await refreshWith(testClient, token);
      expect(response.status, `day ${day}`).toBe(200);
      token = (await response.json<TokenSet>()).refresh_token!;
    }
    vi.setSystemTime(start + 90 * DAY_MS);
    await expectOAuthError(await refreshWith(testClient, token), 400, 'invalid_grant', 'the refresh token has expired');
  });
});

describe('refresh_token errors', () => {
  it('refuses a refresh token of another client, without revoking it (RFC 6749 §6)', async () => {
    const owner = await createCodeClient();
    const other = await createCodeClient();
    const first = await signIn(owner, (await createTestUser()).user);
    await expectOAuthError(
      await refreshWith(other, first.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token is invalid',
    );
    expect((await refreshWith(owner, first.refresh_token!)).status).toBe(200);
  });

  it('refuses an unknown refresh token', async () => {
    const testClient = await createCodeClient();
    await expectOAuthError(
      await refreshWith(testClient, 'not-a-token'),
      400,
      'invalid_grant',
      'the refresh token is invalid',
    );
  });

  it('requires refresh_token', async () => {
    const testClient = await createCodeClient();
    await expectOAuthError(await refreshWith(testClient, ''), 400, 'invalid_request', 'refresh_token is required');
  });

  it('refuses the refresh token of a user disabled since', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const first = await signIn(testClient, user);
    await storesFor(env.DB).users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    await expectOAuthError(
      await refreshWith(testClient, first.refresh_token!),
      400,
      'invalid_grant',
      'the user of this grant no longer exists or is disabled',
    );
  });

  it('refuses a client no longer registered for the refresh_token grant with unauthorized_client', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const client = { ...testClient.client, grantTypes: ['authorization_code'] };
    await storesFor(env.DB).clients.update(client);
    const response = await refreshWith({ ...testClient, client }, first.refresh_token!);
    await expectOAuthError(response, 400, 'unauthorized_client', 'this client may not use the refresh_token grant');
  });
});
