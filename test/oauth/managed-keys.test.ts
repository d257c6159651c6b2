// Managed signing keys (issue 15 §1) with a controlled clock: whole rotations driven through two isolates (two apps
// with their own caches over one D1) while resource servers cache the JWKS exactly as its Cache-Control says and
// never refetch on an unknown kid; the lead before signing, retirement after the last token expires, revocation,
// the cron's schedule, concurrent bootstraps, and keys stored only sealed.
import { env } from 'cloudflare:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config';
import { KEY_HISTORY_RETENTION_SECONDS, maintainKeys } from '../../src/oauth/managed-keys';
import { managedKeysFor } from '../../src/oauth/signing-key-source';
import { storesFor } from '../../src/storage/stores';
import type { StoredSigningKey } from '../../src/storage/types';
import { importKeyEncryptionKey, openPrivateJwk } from '../../src/tokens/key-encryption';
import { clientCredentialsToken, createTestApp, type TestApp } from '../helpers/app';
import { createTestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';

const KEY_ENCRYPTION_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const MANAGED = { SIGNING_KEYS: '', KEY_ENCRYPTION_KEY, SIGNING_KEY_ROTATION_DAYS: '1' };
const T0 = Date.UTC(2027, 0, 4, 8, 0, 0) / 1000;
const store = storesFor(env.DB).signingKeys;
const config = loadConfig({ ...env, ...MANAGED });
const managed = managedKeysFor(config, storesFor(env.DB))!;
const { publicationLeadSeconds, retireAfterSeconds } = managed.timing;

type Isolate = TestApp;

function setClock(seconds: number): void {
  vi.setSystemTime(seconds * 1000);
}

/** An ID Token-shaped JWT signed with the isolate's current RS256 key, as issue-tokens.ts signs ID Tokens. */
async function idToken(isolate: Isolate, now: number): Promise<string> {
  const key = (await isolate.keys.current()).forAlgorithm('RS256')!;
  return new SignJWT({ sub: 'someone' })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + config.accessTokenTtlSeconds)
    .sign(key.privateKey);
}

/** A resource server that keeps the JWKS exactly for its max-age and never refetches for an unknown kid. */
class StrictResourceServer {
  private cached: { keys: ReturnType<typeof createLocalJWKSet>; until: number } | undefined;
  constructor(private readonly isolate: Isolate) {}

  async verify(token: string, now: number) {
    if (!this.cached || now >= this.cached.until) {
      const response = await this.isolate.request('/.well-known/jwks.json');
      const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      this.cached = { keys: createLocalJWKSet(await response.json<JSONWebKeySet>()), until: now + maxAge };
    }
    return jwtVerify(token, this.cached.keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  }
}

interface IssuedToken {
  token: string;
  kid: string;
  iat: number;
  exp: number;
}

async function freshJwks(isolate: Isolate): Promise<JSONWebKeySet> {
  return (await isolate.request('/.well-known/jwks.json')).json<JSONWebKeySet>();
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  setClock(T0);
  await env.DB.prepare('DELETE FROM signing_keys').run();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('managed signing keys', () => {
  it('rotates twice without a strictly caching resource server ever meeting an unknown kid', async () => {
    const { client, secret } = await createTestClient();
    const STEP_SECONDS = 30;
    const STEPS = 220; // 110 minutes: two rotations, each through publication, signing and retirement
    const ROTATION_REQUESTS = new Set([10, 100]);
    const isolates: Isolate[] = [createTestApp(MANAGED)];
    const servers: StrictResourceServer[] = [];
    const live: IssuedToken[] = [];
    const issued: IssuedToken[] = [];

    for (let step = 0; step < STEPS; step++) {
      const now = T0 + step * STEP_SECONDS;
      setClock(now);
      // A second isolate starts later, so the two caches are read at different moments.
      if (step === 5) isolates.push(createTestApp(MANAGED));
      // Resource servers start at different phases of the JWKS max-age, each reading from one of the isolates.
      if (step % 2 === 0 && servers.length < 10)
        servers.push(new StrictResourceServer(isolates[step % isolates.length]!));
      if (ROTATION_REQUESTS.has(step)) expect(await store.requestRotation(now)).toBe(true);

      for (const [index, isolate] of isolates.entries()) {
        const token =
          index === 0 ? await clientCredentialsToken(isolate, client.id, secret) : await idToken(isolate, now);
        const record = {
          token,
          kid: decodeProtectedHeader(token).kid!,
          iat: now,
          exp: now + config.accessTokenTtlSeconds,
        };
        live.push(record);
        issued.push(record);
      }
      while (live[0] && live[0].exp <= now) live.shift();
      // The oldest live tokens (the retiring key's last ones) and the newest (a key that just started signing).
      const sample = [...live.slice(0, 2), ...live.slice(-2)];
      for (const server of servers) {
        for (const { token } of sample) await expect(server.verify(token, now)).resolves.toBeDefined();
      }
    }

    const rows = await store.list();
    const byKid = new Map(rows.map((row) => [row.kid, row]));
    expect([...new Set(rows.map((row) => row.rotation))]).toEqual([1, 2, 3]);
    // Three keys of each algorithm signed, each (after the first) only once published for the whole lead.
    expect(new Set(issued.map(({ kid }) => byKid.get(kid)!.rotation))).toEqual(new Set([1, 2, 3]));
    for (const { kid, iat } of issued) {
      const row = byKid.get(kid)!;
      if (row.rotation > 1) expect(iat - row.createdAt).toBeGreaterThanOrEqual(publicationLeadSeconds);
    }
    // Once gone from the JWKS, the first rotation's keys verify nothing, even at a moment the token was still valid.
    const firstToken = issued[0]!;
    const jwks = await freshJwks(isolates[0]!);
    expect(jwks.keys.map((key) => key.kid)).not.toContain(firstToken.kid);
    await expect(
      jwtVerify(firstToken.token, createLocalJWKSet(jwks), { currentDate: new Date(firstToken.iat * 1000) }),
    ).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  }, 120_000);

  it('keeps a superseded key published until its last token has expired plus the JWKS max-age, then drops it', async () => {
    const isolate = createTestApp(MANAGED);
    const first = (await isolate.keys.current()).primary.kid;
    await store.requestRotation(T0);
    setClock(T0 + 60);
    await isolate.keys.current();
    const next = (await store.list()).find((row) => row.rotation === 2 && row.alg === 'ES256')!;
    expect(next.activatesAt).toBe(T0 + 60 + publicationLeadSeconds);

    setClock(next.activatesAt - 1);
    expect((await isolate.keys.current()).primary.kid).toBe(first);
    setClock(next.activatesAt);
    expect((await isolate.keys.current()).primary.kid).toBe(next.kid);
    // The last token of `first` was signed just before and lives ACCESS_TOKEN_TTL_SECONDS; then the caches' time.
    setClock(next.activatesAt + retireAfterSeconds - 1);
    expect((await freshJwks(isolate)).keys.map((key) => key.kid)).toContain(first);
    expect(retireAfterSeconds).toBeGreaterThan(config.accessTokenTtlSeconds + 300);
    setClock(next.activatesAt + retireAfterSeconds + 60);
    expect((await freshJwks(isolate)).keys.map((key) => key.kid)).not.toContain(first);
  });

  it('starts a rotation from the cron once SIGNING_KEY_ROTATION_DAYS have passed, and deletes long-retired keys', async () => {
    await createTestApp(MANAGED).keys.current();
    const day = 24 * 3600;
    expect(await maintainKeys(managed, T0 + day - 1)).toEqual({ started: [], deletedRotations: [], events: [] });

    const { started, events } = await maintainKeys(managed, T0 + day);
    expect(started.map((key) => [key.alg, key.rotation, key.activatesAt])).toEqual([
      ['ES256', 2, T0 + day + publicationLeadSeconds],
      ['RS256', 2, T0 + day + publicationLeadSeconds],
    ]);
    expect(events.map(({ type, details }) => [type, details?.alg, details?.rotation])).toEqual([
      ['key_published', 'ES256', 2],
      ['key_published', 'RS256', 2],
    ]);
    // A rotation under way is not started again by the next run.
    expect((await maintainKeys(managed, T0 + day + 60)).started).toEqual([]);
    // A run after the lead sees the new keys start signing; a later one, the old keys leave the JWKS.
    const activated = await maintainKeys(managed, T0 + day + publicationLeadSeconds + 1, T0 + day + 60);
    expect(activated.events.map(({ type, at }) => [type, at])).toEqual([
      ['key_activated', T0 + day + publicationLeadSeconds],
      ['key_activated', T0 + day + publicationLeadSeconds],
    ]);
    const retiredAt = T0 + day + publicationLeadSeconds + retireAfterSeconds;
    const retired = await maintainKeys(managed, retiredAt + 1, retiredAt - 1);
    expect(retired.events.map(({ type, details }) => [type, details?.rotation])).toEqual([
      ['key_retired', 1],
      ['key_retired', 1],
    ]);

    const goneAt = T0 + day + publicationLeadSeconds + retireAfterSeconds + KEY_HISTORY_RETENTION_SECONDS;
    expect((await maintainKeys(managed, goneAt - 1)).deletedRotations).toEqual([]);
    // (The run before started rotation 3: a day had passed since rotation 2.) Rotation 1 left the JWKS a week ago.
    expect(await maintainKeys(managed, goneAt)).toMatchObject({ deletedRotations: [1] });
    expect([...new Set((await store.list()).map((row) => row.rotation))]).toEqual([2, 3]);
  });

  it('revokes a leaked signing key: every isolate stops signing with it and the JWKS drops it within the cache time', async () => {
    const { client, secret } = await createTestClient();
    const [one, two] = [createTestApp(MANAGED), createTestApp(MANAGED)];
    const leakedToken = await clientCredentialsToken(one, client.id, secret);
    const leaked = decodeProtectedHeader(leakedToken).kid!;
    expect((await two.keys.current()).primary.kid).toBe(leaked);

    expect(await store.revoke(leaked, T0 + 5)).toBe(true);
    expect(await store.revoke(leaked, T0 + 6)).toBe(false);
    setClock(T0 + 60);
    for (const isolate of [one, two]) {
      const token = await clientCredentialsToken(isolate, client.id, secret);
      expect(decodeProtectedHeader(token).kid).not.toBe(leaked);
      const jwks = createLocalJWKSet(await freshJwks(isolate));
      await expect(jwtVerify(token, jwks)).resolves.toBeDefined();
      await expect(jwtVerify(leakedToken, jwks)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    }
    // Both isolates sign with the one replacement set, which signs at once (the exception to the lead).
    const rows = await store.list();
    expect(rows.map((row) => [row.rotation, row.alg, row.revokedAt !== null])).toEqual([
      [1, 'ES256', true],
      [1, 'RS256', false],
      [2, 'ES256', false],
      [2, 'RS256', false],
    ]);
  });

  it('stores one key set when isolates start at the same moment', async () => {
    const isolates = Array.from({ length: 4 }, () => createTestApp(MANAGED));
    const rings = await Promise.all(isolates.map((isolate) => isolate.keys.current()));
    expect(new Set(rings.map((ring) => ring.primary.kid)).size).toBe(1);
    expect(new Set(rings.map((ring) => ring.forAlgorithm('RS256')?.kid)).size).toBe(1);
    expect((await store.list()).map((row) => [row.rotation, row.alg])).toEqual([
      [1, 'ES256'],
      [1, 'RS256'],
    ]);
  });

  it('stores private keys only sealed under KEY_ENCRYPTION_KEY, bound to their kid', async () => {
    await createTestApp(MANAGED).keys.current();
    const raw = JSON.stringify((await env.DB.prepare('SELECT * FROM signing_keys').all()).results);
    const [es256, rs256] = (await store.list()) as [StoredSigningKey, StoredSigningKey];
    const keyEncryptionKey = await managed.keyEncryptionKey;
    for (const row of [es256, rs256]) {
      const privateJwk = await openPrivateJwk(keyEncryptionKey, row.kid, row.encryptedPrivateJwk);
      expect(privateJwk).toMatchObject({ kty: row.alg === 'ES256' ? 'EC' : 'RSA', d: expect.any(String) });
      expect(row.publicJwk).not.toHaveProperty('d');
      expect(raw).not.toContain(privateJwk.d);
    }
    // Another row's kid, or another key-encryption key, does not open it.
    await expect(openPrivateJwk(keyEncryptionKey, rs256.kid, es256.encryptedPrivateJwk)).rejects.toThrow(
      /does not decrypt/,
    );
    const other = await importKeyEncryptionKey(crypto.getRandomValues(new Uint8Array(32)));
    await expect(openPrivateJwk(other, es256.kid, es256.encryptedPrivateJwk)).rejects.toThrow(/does not decrypt/);
  });

  it('publishes only ES256 and RS256 keys and advertises both in discovery', async () => {
    const isolate = createTestApp(MANAGED);
    const jwks = await freshJwks(isolate);
    expect(jwks.keys.map((key) => [key.alg, key.use, key.d])).toEqual([
      ['ES256', 'sig', undefined],
      ['RS256', 'sig', undefined],
    ]);
    const metadata = await (await isolate.request('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });
});

describe('managed key configuration', () => {
  it('refuses SIGNING_KEYS and KEY_ENCRYPTION_KEY together, and a key-encryption key of the wrong size', () => {
    expect(() => loadConfig({ ...env, KEY_ENCRYPTION_KEY })).toThrow(/either SIGNING_KEYS .* or KEY_ENCRYPTION_KEY/);
    expect(() => loadConfig({ ...env, ...MANAGED, KEY_ENCRYPTION_KEY: btoa('short') })).toThrow(
      /KEY_ENCRYPTION_KEY must be 32 bytes \(base64\), got 5/,
    );
    expect(() => loadConfig({ ...env, ...MANAGED, SIGNING_KEY_ROTATION_DAYS: '0' })).toThrow(
      /SIGNING_KEY_ROTATION_DAYS must be a positive integer/,
    );
    expect(config.managedKeys?.rotationDays).toBe(1);
  });
});
