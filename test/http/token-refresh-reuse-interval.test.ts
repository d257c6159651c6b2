// REFRESH_TOKEN_REUSE_INTERVAL_SECONDS (issue 15 §3): within the interval, the same client presenting a rotated
// refresh token again for the same scope and resources gets a sibling refresh token of the same family; a mismatch
// is refused and revokes nothing; after the interval, reuse revokes that family and only it (RFC 9700 §4.14.2).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import {
  CODE_FLOW_TOKEN_RESPONSE,
  createPublicCodeClient,
  expectOAuthError,
  signIn,
  type TokenSet,
} from '../helpers/authorization';
import { createTestApp, type TestApp } from '../helpers/app';
import type { TestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { createTestUser } from '../helpers/users';

const REUSE_INTERVAL_SECONDS = 30;
const CONCURRENT_REFRESHES = 50;
const REUSED = 'the refresh token was already used; every token of its grant is revoked';
const REVOKED = 'the refresh token has been revoked';

afterEach(() => {
  vi.useRealTimers();
});

/** A refresh by a public client (client_id in the form: no secret to hash 50 times) through the given app. */
async function refreshThrough(
  testApp: TestApp,
  testClient: TestClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return testApp.request('/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: testClient.client.id,
      refresh_token: refreshToken,
      ...extra,
    }),
  });
}

async function familyOf(refreshToken: string) {
  const token = await storesFor(env.DB).refreshTokens.findByHash(await hashOpaqueToken(refreshToken));
  const { results } = await env.DB.prepare('SELECT token_hash, revoked_at FROM refresh_tokens WHERE grant_id = ?')
    .bind(token!.grantId)
    .all<{ token_hash: string; revoked_at: number | null }>();
  return { grantId: token!.grantId, rows: results };
}

async function signedInPublicClient() {
  const testClient = await createPublicCodeClient();
  const { user } = await createTestUser();
  const first = await signIn(testClient, user);
  return { testClient, user, refreshToken: first.refresh_token! };
}

describe('refresh token reuse interval 0 (the default: strict rotation)', () => {
  it('lets exactly one of 50 concurrent refreshes succeed and revokes the family (RFC 9700 §4.14.2)', async () => {
    const strict = createTestApp();
    expect(strict.config.refreshTokenReuseIntervalSeconds).toBe(0);
    const { testClient, refreshToken } = await signedInPublicClient();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_REFRESHES }, () => refreshThrough(strict, testClient, refreshToken)),
    );
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.status !== 200)) {
      expect(loser.status).toBe(400);
      expect((await loser.json<{ error: string }>()).error).toBe('invalid_grant');
    }
    const family = await familyOf(refreshToken);
    expect(family.rows).toHaveLength(2);
    expect(family.rows.every((row) => row.revoked_at !== null)).toBe(true);
    const winner = await winners[0]!.json<TokenSet>();
    await expectOAuthError(
      await refreshThrough(strict, testClient, winner.refresh_token!),
      400,
      'invalid_grant',
      REVOKED,
    );
  });
});

describe(`refresh token reuse interval ${REUSE_INTERVAL_SECONDS} s`, () => {
  const graced = () => createTestApp({ REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: String(REUSE_INTERVAL_SECONDS) });

  it('answers 50 concurrent refreshes without revoking, each with a live token of the one family', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testApp = graced();
    const { testClient, refreshToken } = await signedInPublicClient();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_REFRESHES }, () => refreshThrough(testApp, testClient, refreshToken)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(CONCURRENT_REFRESHES).fill(200));
    const issued = await Promise.all(responses.map((response) => response.json<TokenSet>()));
    for (const body of issued) expect(body).toEqual(CODE_FLOW_TOKEN_RESPONSE);
    const siblings = issued.map((body) => body.refresh_token!);
    expect(new Set(siblings).size).toBe(CONCURRENT_REFRESHES);

    const family = await familyOf(refreshToken);
    expect(family.rows).toHaveLength(1 + CONCURRENT_REFRESHES);
    expect(family.rows.filter((row) => row.revoked_at !== null)).toEqual([]);
    const siblingHashes = await Promise.all(siblings.map((token) => hashOpaqueToken(token)));
    expect(family.rows.map((row) => row.token_hash)).toEqual(expect.arrayContaining(siblingHashes));

    // Every sibling is a live token of that family: rotating one works, and its own later reuse is still detected.
    const next = await (await refreshThrough(testApp, testClient, siblings[7]!)).json<TokenSet>();
    vi.setSystemTime(Date.now() + REUSE_INTERVAL_SECONDS * 1000);
    await expectOAuthError(await refreshThrough(testApp, testClient, siblings[7]!), 400, 'invalid_grant', REUSED);
    for (const token of [siblings[0]!, siblings[49]!, next.refresh_token!]) {
      await expectOAuthError(await refreshThrough(testApp, testClient, token), 400, 'invalid_grant', REVOKED);
    }
    expect((await familyOf(refreshToken)).rows.filter((row) => row.revoked_at === null)).toEqual([]);
  });

  it('still detects a reuse once the interval has passed, and revokes only that family (RFC 9700 §4.14.2)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testApp = graced();
    const { testClient, user, refreshToken } = await signedInPublicClient();
    const sameUserAndClient = await signIn(testClient, user);
    const second = await (await refreshThrough(testApp, testClient, refreshToken)).json<TokenSet>();

    vi.setSystemTime(Date.now() + (REUSE_INTERVAL_SECONDS - 1) * 1000);
    expect((await refreshThrough(testApp, testClient, refreshToken)).status).toBe(200);
    // The reuse kept the first rotation time: the window does not slide with replays.
    vi.setSystemTime(Date.now() + 1000);
    await expectOAuthError(await refreshThrough(testApp, testClient, refreshToken), 400, 'invalid_grant', REUSED);
    await expectOAuthError(
      await refreshThrough(testApp, testClient, second.refresh_token!),
      400,
      'invalid_grant',
      REVOKED,
    );
    expect((await refreshThrough(testApp, testClient, sameUserAndClient.refresh_token!)).status).toBe(200);
  });

  it('refuses a reuse by another client, for a wider scope or another resource, and revokes nothing', async () => {
    const testApp = graced();
    const { testClient, refreshToken } = await signedInPublicClient();
    const second = await (await refreshThrough(testApp, testClient, refreshToken)).json<TokenSet>();
    const before = await familyOf(refreshToken);

    const other = await createPublicCodeClient();
    await expectOAuthError(
      await refreshThrough(testApp, other, refreshToken),
      400,
      'invalid_grant',
      'the refresh token is invalid',
    );
    await expectOAuthError(
      await refreshThrough(testApp, testClient, refreshToken, { scope: 'read write' }),
      400,
      'invalid_scope',
      'the client may not request: write',
    );
    await expectOAuthError(
      await refreshThrough(testApp, testClient, refreshToken, { resource: `${TEST_ISSUER}/api` }),
      400,
      'invalid_target',
      `the grant does not cover the resource: ${TEST_ISSUER}/api`,
    );
    expect(await familyOf(refreshToken)).toEqual(before);
    expect((await refreshThrough(testApp, testClient, second.refresh_token!)).status).toBe(200);
  });
});
