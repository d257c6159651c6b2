// `npm run admin -- clients|tokens|purge` on a temporary local D1 (issue 4): clients created, updated, re-keyed and
// deleted (cascading) through dynamic registration's validation and words (RFC 7591 §2), exit statuses 0/1/2,
// refresh tokens revoked by user, by client or both and nothing else, and the cron's purge keeping live rows.
import { describe, expect, it } from 'vitest';
import { parseFormBody } from '../../src/http/form';
import { authenticateClient } from '../../src/oauth/client-auth';
import { SUPPORTED_GRANT_TYPES } from '../../src/oauth/grants';
import type { RefreshToken } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { clientAuthContextFor } from '../fixtures/client-auth-context';
import { admin, adminJson, randomName, useTemporaryDatabase, withDatabase } from './admin-harness';

const database = useTemporaryDatabase();
const run = (args: string[]) => admin(database.persistTo, args);
const runJson = <T = Record<string, unknown>>(args: string[]) => adminJson<T>(database.persistTo, args);
const db = <T>(use: Parameters<typeof withDatabase<T>>[1]) => withDatabase(database.persistTo, use);
const now = () => Math.floor(Date.now() / 1000);

/** Authenticates as the token endpoint does (client_secret_basic); null when refused. */
function authenticate(clientId: string, secret: string) {
  return db((stores) =>
    authenticateClient(
      {
        authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`,
        params: parseFormBody(''),
      },
      clientAuthContextFor(stores),
    ).catch(() => null),
  );
}

function refreshToken(clientId: string, userId: string, overrides: Partial<RefreshToken> = {}): RefreshToken {
  return {
    tokenHash: generateOpaqueToken(),
    grantId: generateOpaqueToken(16),
    clientId,
    userId,
    scopes: ['read'],
    resources: [],
    authTime: now(),
    createdAt: now(),
    expiresAt: now() + 3600,
    grantExpiresAt: now() + 7200,
    rotatedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

const MACHINE = [
  '--name',
  'Nightly export',
  '--type',
  'confidential',
  '--grant-types',
  'client_credentials',
  '--scopes',
  'read,write',
];

describe('npm run admin -- clients', () => {
  it('creates a confidential client through the registration validation; its secret is shown once and works', async () => {
    const created = await runJson([
      'clients',
      'create',
      ...MACHINE,
      '--origins',
      'https://a.example',
      '--origins',
      'https://b.example',
    ]);
    expect(created).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client_id_issued_at: expect.any(Number),
      client_name: 'Nightly export',
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      scope: 'read write',
      allowed_origins: ['https://a.example', 'https://b.example'],
      owner_user_id: null,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const clientId = created.client_id as string;
    expect(await authenticate(clientId, created.client_secret as string)).toMatchObject({
      id: clientId,
      registrant: null,
    });

    const listed = await runJson<Array<Record<string, unknown>>>(['clients', 'list']);
    expect(listed).toContainEqual({ ...created, client_secret: undefined });
    expect(JSON.stringify(listed)).not.toContain(created.client_secret as string);
  });

  it('creates a public client for a user, with no secret', async () => {
    const owner = randomName('dev');
    const { id } = await runJson(['users', 'create', owner]);
    const result = await run([
      'clients',
      'create',
      '--name',
      'SPA',
      '--type',
      'public',
      '--grant-types',
      'authorization_code',
      '--redirect-uris',
      'https://spa.example/cb',
      '--scopes',
      'openid',
      '--owner',
      owner,
    ]);
    expect(result.status).toBe(0);
    const [summary, idLine, ...rest] = result.stdout.split('\n');
    const clientId = /^ {2}client_id: {5}([A-Za-z0-9_-]{22})$/.exec(idLine ?? '')?.[1];
    expect(summary).toBe(`Created public client ${clientId}.`);
    expect(rest).toEqual([]);
    expect(await db((stores) => stores.clients.findById(clientId!))).toMatchObject({
      type: 'public',
      secretHash: null,
      responseTypes: ['code'],
      ownerUserId: id,
    });
  });

  it('refuses what dynamic registration refuses, with its words, and exits 1', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['--name', 'Web', '--grant-types', 'authorization_code', '--redirect-uris', 'http://app.example/cb'],
        'redirect_uris[0] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      ],
      [
        ['--name', 'Web', '--grant-types', 'authorization_code', '--redirect-uris', 'https://app.example/c\u007fb'],
        'redirect_uris[0] must not contain whitespace or control characters',
      ],
      [
        ['--name', 'SPA', '--type', 'public', '--grant-types', 'client_credentials'],
        'grant_types may include client_credentials only for confidential clients (token_endpoint_auth_method none is a public client)',
      ],
      [
        ['--name', 'Svc', '--grant-types', 'implicit'],
        `grant_types lists grant types this server does not support: implicit (supported: ${SUPPORTED_GRANT_TYPES.join(', ')})`,
      ],
      [
        ['--name', 'Svc', '--grant-types', 'client_credentials', '--scopes', 'admin'],
        'scope lists scopes this server does not offer: admin (offered: read write openid profile email offline_access)',
      ],
      [
        ['--name', 'Svc', '--grant-types', 'client_credentials', '--origins', 'https://*.example'],
        'allowed_origins[0] must not contain wildcards; list each origin',
      ],
    ];
    for (const [args, message] of cases) {
      expect(await run(['clients', 'create', ...args]), message).toEqual({
        status: 1,
        stdout: '',
        stderr: `admin: ${message}`,
      });
    }
    expect(await run(['clients', 'create', '--name', 'Svc', '--type', 'trusted'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('admin: --type must be confidential or public, got trusted'),
    });
  });

  it('sets the ID Token signing algorithm, only to one the server can sign with', async () => {
    const created = await runJson(['clients', 'create', ...MACHINE, '--id-token-alg', 'ES256']);
    expect(created).toMatchObject({ id_token_signed_response_alg: 'ES256' });
    const clientId = created.client_id as string;
    expect(await run(['clients', 'update', clientId, '--id-token-alg', 'HS256'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'admin: id_token_signed_response_alg must be one of id_token_signing_alg_values_supported: ES256, RS256, EdDSA',
    });
    expect(await runJson(['clients', 'update', clientId, '--id-token-alg', 'RS256'])).toMatchObject({
      id_token_signed_response_alg: 'RS256',
    });
  });

  it('sets and clears the userinfo signing algorithm, only to one the server can sign with', async () => {
    const created = await runJson(['clients', 'create', ...MACHINE, '--userinfo-alg', 'EdDSA']);
    expect(created).toMatchObject({ userinfo_signed_response_alg: 'EdDSA' });
    const clientId = created.client_id as string;
    expect(await run(['clients', 'update', clientId, '--userinfo-alg', 'none'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'admin: userinfo_signed_response_alg must be one of userinfo_signing_alg_values_supported: ES256, RS256, EdDSA',
    });
    expect(await runJson(['clients', 'update', clientId, '--userinfo-alg', ''])).not.toHaveProperty(
      'userinfo_signed_response_alg',
    );
  });

  it('updates only the given settings, rotates the secret, and deletes with cascade', async () => {
    const created = await runJson(['clients', 'create', ...MACHINE]);
    const clientId = created.client_id as string;
    const secret = created.client_secret as string;

    const updated = await runJson(['clients', 'update', clientId, '--name', 'Hourly export', '--scopes', 'read']);
    expect(updated).toMatchObject({
      client_id: clientId,
      client_name: 'Hourly export',
      scope: 'read',
      grant_types: ['client_credentials'],
    });
    expect(updated).not.toHaveProperty('client_secret');
    expect(await authenticate(clientId, secret)).toMatchObject({ name: 'Hourly export' });
    expect(await run(['clients', 'update', clientId])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('give at least one setting to change'),
    });
    expect(await run(['clients', 'update', clientId, '--redirect-uris', 'https://x.example/#f'])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'admin: redirect_uris[0] must not contain a fragment',
    });

    const rotated = await runJson(['clients', 'rotate-secret', clientId]);
    const newSecret = rotated.client_secret as string;
    expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await authenticate(clientId, secret)).toBeNull();
    expect(await authenticate(clientId, newSecret)).toMatchObject({ id: clientId });

    // Deleting cascades to the client's refresh tokens and consents (ON DELETE CASCADE).
    const { id: userId } = await runJson(['users', 'create', randomName('kim')]);
    const token = refreshToken(clientId, userId as string);
    await db(async (stores) => {
      await stores.refreshTokens.create(token);
      await stores.consents.upsert({ userId: userId as string, clientId, scopes: ['read'] }, now());
    });
    expect(await run(['clients', 'delete', clientId])).toEqual({
      status: 0,
      stdout: `Deleted client ${clientId}, its refresh tokens and the consents given to it.`,
      stderr: '',
    });
    await db(async (stores) => {
      expect(await stores.clients.findById(clientId)).toBeNull();
      expect(await stores.refreshTokens.findByHash(token.tokenHash)).toBeNull();
      expect(await stores.consents.find(userId as string, clientId)).toBeNull();
    });
    expect(await run(['clients', 'delete', clientId])).toEqual({
      status: 1,
      stdout: '',
      stderr: `admin: there is no client ${clientId}`,
    });
    expect(await run(['clients', 'rotate-secret', clientId])).toMatchObject({ status: 1 });
  });

  it('refuses to rotate the secret of a public client', async () => {
    const created = await runJson([
      'clients',
      'create',
      '--name',
      'App',
      '--type',
      'public',
      '--grant-types',
      'authorization_code',
      '--redirect-uris',
      'com.example.app:/cb',
    ]);
    expect(await run(['clients', 'rotate-secret', '--', created.client_id as string])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'admin: a public client has no secret to rotate',
    });
  });
});

describe('npm run admin -- tokens revoke, purge', () => {
  it('revokes the refresh tokens of a user, of a client, or of a user at one client, and nothing else', async () => {
    const [first, second] = [
      await runJson(['clients', 'create', ...MACHINE]),
      await runJson(['clients', 'create', ...MACHINE]),
    ].map((client) => client.client_id as string);
    const [ann, ben] = [
      await runJson(['users', 'create', randomName('ann')]),
      await runJson(['users', 'create', randomName('ben')]),
    ];
    const tokens = {
      annFirst: refreshToken(first!, ann!.id as string),
      annSecond: refreshToken(second!, ann!.id as string),
      benFirst: refreshToken(first!, ben!.id as string),
      benSecond: refreshToken(second!, ben!.id as string),
    };
    await db(async (stores) => {
      for (const token of Object.values(tokens)) await stores.refreshTokens.create(token);
    });
    const revoked = () =>
      db(async (stores) => {
        const states = await Promise.all(
          Object.entries(tokens).map(async ([name, token]) => [
            name,
            typeof (await stores.refreshTokens.findByHash(token.tokenHash))?.revokedAt === 'number',
          ]),
        );
        return Object.fromEntries(states);
      });

    expect(await run(['tokens', 'revoke', '--user', ann!.username as string, '--client', first!])).toMatchObject({
      status: 0,
    });
    expect(await revoked()).toEqual({ annFirst: true, annSecond: false, benFirst: false, benSecond: false });
    expect(await runJson(['tokens', 'revoke', '--client', second!])).toEqual({ revoked: true, client_id: second });
    expect(await revoked()).toEqual({ annFirst: true, annSecond: true, benFirst: false, benSecond: true });
    const byUser = await run(['tokens', 'revoke', '--user', ben!.username as string]);
    expect(byUser.stdout).toBe(
      `Revoked every refresh token of user ${ben!.username}.\nAccess tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS, 15 minutes by default).`,
    );
    expect(await revoked()).toEqual({ annFirst: true, annSecond: true, benFirst: true, benSecond: true });

    expect(await run(['tokens', 'revoke'])).toMatchObject({ status: 2 });
    expect(await run(['tokens', 'revoke', '--user', 'nobody-here'])).toMatchObject({
      status: 1,
      stderr: 'admin: there is no user named nobody-here',
    });
    expect(await run(['tokens', 'revoke', '--client', 'no-such-client'])).toMatchObject({
      status: 1,
      stderr: 'admin: there is no client no-such-client',
    });
  });

  it('signs a user out everywhere: sessions ended, refresh tokens revoked, password kept', async () => {
    const clientId = (await runJson(['clients', 'create', ...MACHINE])).client_id as string;
    const [kim, other] = [
      await runJson(['users', 'create', randomName('kim')]),
      await runJson(['users', 'create', randomName('ola')]),
    ];
    const [kimToken, otherToken] = [
      refreshToken(clientId, kim!.id as string),
      refreshToken(clientId, other!.id as string),
    ];
    const session = await db(async (stores) => {
      await stores.refreshTokens.create(kimToken);
      await stores.refreshTokens.create(otherToken);
      return stores.sessions.create({ userId: kim!.id as string, authTime: 1, nowSeconds: now(), ttlSeconds: 3600 });
    });

    expect(await runJson(['users', 'sign-out', kim!.username as string])).toMatchObject({
      username: kim!.username,
      signed_out: true,
    });
    expect(await db((stores) => stores.sessions.findActive(session.token, now()))).toBeNull();
    const revokedAt = (hash: string) => db(async (stores) => (await stores.refreshTokens.findByHash(hash))?.revokedAt);
    expect(await revokedAt(kimToken.tokenHash)).toEqual(expect.any(Number));
    expect(await revokedAt(otherToken.tokenHash)).toBeNull();
  });

  it('purges expired rows with the cron’s purge and keeps live ones', async () => {
    const { id } = await runJson(['users', 'create', randomName('lee')]);
    const userId = id as string;
    const live = await db(async (stores) => {
      await stores.sessions.create({ userId, authTime: 1, nowSeconds: now() - 7200, ttlSeconds: 3600 });
      return stores.sessions.create({ userId, authTime: 1, nowSeconds: now(), ttlSeconds: 3600 });
    });
    const purged = await runJson(['purge']);
    expect(purged).toMatchObject({ authorization_codes: 0, login_throttles: 0, rate_limits: 0 });
    expect(purged.sessions).toBeGreaterThanOrEqual(1);
    expect(await db((stores) => stores.sessions.findActive(live.token, now()))).toMatchObject({ user: { id: userId } });
    expect((await runJson(['purge'])).sessions).toBe(0);
  });
});
