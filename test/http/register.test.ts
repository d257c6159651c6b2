// POST /oauth/register (RFC 7591 §3): credentials that work, every member echoed, public native clients without a
// secret, secrets and tokens stored only hashed, non-JSON bodies refused; the open, token and closed policies; the
// per-IP rate limit and the per-registrant cap.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { loadConfig } from '../../src/config';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createTestApp } from '../helpers/app';
import { exchangeCode, issueTestCode, REDIRECT_URI, type TokenSet } from '../helpers/authorization';
import { TEST_ISSUER } from '../helpers/constants';
import { basicAuthorization, postForm, publishedKeys, send } from '../helpers/http';
import { bearer, randomIp, register, registerClientCredentialsClient, sendJson } from '../helpers/registration';
import { createTestUser } from '../helpers/users';

const NOW = new Date('2026-11-20T10:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const INVALID_TOKEN = {
  status: 401,
  challenge: 'Bearer realm="portcullis", error="invalid_token"',
  body: { error: 'invalid_token', error_description: 'a valid initial access token is required to register a client' },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /oauth/register (RFC 7591 §3)', () => {
  it('registers a confidential client whose credentials work at the token endpoint', async () => {
    const { response, body } = await register({
      client_name: 'Reporting job',
      grant_types: ['client_credentials'],
      scope: 'read',
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
    // RFC 7591 §3.2.1: 256-bit secrets and tokens, base64url without padding.
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const token = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      {
        Authorization: basicAuthorization(body.client_id as string, body.client_secret as string),
      },
    );
    expect(token.status).toBe(200);
    expect(await token.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read',
    });
  });

  it('registers id_token_signed_response_alg, echoes it, and signs the ID Tokens with it (OIDC Registration §2)', async () => {
    const { response, body } = await register({
      redirect_uris: [REDIRECT_URI],
      scope: 'openid',
      id_token_signed_response_alg: 'ES256',
    });
    expect(response.status).toBe(201);
    expect(body.id_token_signed_response_alg).toBe('ES256');
    const clientId = body.client_id as string;
    const read = await send(`/oauth/register/${clientId}`, {
      headers: bearer(body.registration_access_token as string),
    });
    expect(await read.json()).toMatchObject({ id_token_signed_response_alg: 'ES256' });

    const client = (await storesFor(env.DB).clients.findById(clientId))!;
    const testClient = { client, secret: body.client_secret as string };
    const { user } = await createTestUser();
    const tokens = await (await exchangeCode(testClient, await issueTestCode(client, user))).json<TokenSet>();
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    await jwtVerify(tokens.id_token!, await publishedKeys(), {
      issuer: TEST_ISSUER,
      audience: clientId,
      algorithms: ['ES256'],
    });

    // RFC 7592 §2.2: an update replaces it, and the next ID Token follows.
    const updated = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, redirect_uris: [REDIRECT_URI], scope: 'openid', id_token_signed_response_alg: 'RS256' },
      bearer(body.registration_access_token as string),
    );
    expect(await updated.json()).toMatchObject({ id_token_signed_response_alg: 'RS256' });
    const refreshed = (await storesFor(env.DB).clients.findById(clientId))!;
    const again = await (
      await exchangeCode({ client: refreshed, secret: testClient.secret }, await issueTestCode(refreshed, user))
    ).json<TokenSet>();
    expect(decodeProtectedHeader(again.id_token!).alg).toBe('RS256');
  });

  it('echoes every registered member with the client information (RFC 7591 §3.2.1, RFC 7592 §3)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const metadata = {
      client_name: 'Unicorn Dashboard',
      redirect_uris: ['https://dashboard.example.com/callback', 'http://127.0.0.1:8080/callback'],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      scope: 'openid profile email offline_access read write',
      allowed_origins: ['https://dashboard.example.com', 'http://localhost:5173'],
      client_uri: 'https://dashboard.example.com',
      logo_uri: 'https://dashboard.example.com/logo.png',
      tos_uri: 'https://dashboard.example.com/terms',
      policy_uri: 'https://dashboard.example.com/privacy',
      contacts: ['ops@example.com', 'security@example.com'],
      post_logout_redirect_uris: ['https://dashboard.example.com/signed-out'],
      software_id: '4NRB1-0XZABZI9E6-5SM3R',
      software_version: '2.1.0',
    };
    const { response, body } = await register(metadata);

    expect(response.status).toBe(201);
    expect(body).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client_secret: expect.any(String),
      client_id_issued_at: NOW_SECONDS,
      client_secret_expires_at: 0,
      registration_access_token: expect.any(String),
      registration_client_uri: `${TEST_ISSUER}/oauth/register/${body.client_id}`,
      ...metadata,
    });
  });

  it('registers a public native client without a secret (RFC 7591 §3.2.1, RFC 8252 §8.4)', async () => {
    const metadata = {
      client_name: 'Unicorns for iOS',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['com.example.unicorns:/oauth2redirect', 'http://[::1]/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access read',
    };
    const { response, body } = await register(metadata);

    expect(response.status).toBe(201);
    expect(body).toEqual({
      client_id: expect.any(String),
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.any(String),
      registration_client_uri: `${TEST_ISSUER}/oauth/register/${body.client_id}`,
      response_types: ['code'],
      allowed_origins: [],
      ...metadata,
    });
    const row = await env.DB.prepare('SELECT type, secret_hash FROM clients WHERE id = ?').bind(body.client_id).first();
    expect(row).toEqual({ type: 'public', secret_hash: null });
  });

  it('stores the client secret and registration access token only as SHA-256 hashes', async () => {
    const { clientId, secret, registrationAccessToken } = await registerClientCredentialsClient();
    const row = await env.DB.prepare('SELECT * FROM clients WHERE id = ?')
      .bind(clientId)
      .first<Record<string, unknown>>();

    expect(row).toMatchObject({
      secret_hash: await hashOpaqueToken(secret),
      registration_token_hash: await hashOpaqueToken(registrationAccessToken),
      registrant: expect.stringMatching(/^ip:/),
      owner_user_id: null,
    });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(registrationAccessToken);
  });

  it('answers 400 invalid_request to a body that is not JSON, never a 500', async () => {
    const cases: Array<[Record<string, string>, BodyInit, string]> = [
      [
        { 'Content-Type': 'application/x-www-form-urlencoded' },
        'client_name=x',
        'the request body must be application/json',
      ],
      [{}, '{"client_name":"x"}', 'the request body must be application/json'],
      [{ 'Content-Type': 'application/json' }, '{"client_name":', 'the request body is not valid JSON'],
      [
        { 'Content-Type': 'application/json; charset=utf-8' },
        new Uint8Array([0x7b, 0xff, 0x7d]),
        'the request body is not valid UTF-8',
      ],
    ];
    for (const [headers, body, description] of cases) {
      const response = await send('/oauth/register', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': randomIp(), ...headers },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
    }
  });

  it('refuses a JSON value that is not an object with invalid_client_metadata', async () => {
    for (const body of ['[]', 'null', '"client"', '42']) {
      const response = await sendJson('/oauth/register', 'POST', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'the client metadata must be a JSON object',
      });
    }
  });
});

describe('registration policies', () => {
  const TOKEN = 'initial-access-token-0123456789';
  const tokenPolicy = () => createTestApp({ REGISTRATION_POLICY: 'token', REGISTRATION_TOKEN: TOKEN });

  it('registers anyone under the open policy (the test default)', async () => {
    expect((await register({ grant_types: ['client_credentials'] })).response.status).toBe(201);
  });

  it('registers with the initial access token under the token policy', async () => {
    const { request } = tokenPolicy();
    const { response, body } = await register({ grant_types: ['client_credentials'] }, bearer(TOKEN), request);
    expect(response.status).toBe(201);
    const row = await env.DB.prepare('SELECT registrant FROM clients WHERE id = ?').bind(body.client_id).first();
    expect(row).toEqual({ registrant: `token:${(await hashOpaqueToken(TOKEN)).slice(0, 16)}` });
  });

  it('lets only initial-access-token registrants enable the password grant (first parties, RFC 9700 §2.4)', async () => {
    const open = await register({ grant_types: ['password'] });
    expect(open.response.status).toBe(400);
    expect(open.body).toEqual({
      error: 'invalid_client_metadata',
      error_description:
        'grant_types may include password only for first-party clients registered by the operator (admin CLI or initial access token)',
    });
    const { request } = tokenPolicy();
    const trusted = await register({ grant_types: ['password'] }, bearer(TOKEN), request);
    expect(trusted.response.status).toBe(201);
    expect(trusted.body.grant_types).toEqual(['password']);
  });

  it('counts the operator token as the operator under the open policy too: password grant, token registrant', async () => {
    const { request } = createTestApp({ REGISTRATION_POLICY: 'open', REGISTRATION_TOKEN: TOKEN });
    const operator = await register({ grant_types: ['password'] }, bearer(TOKEN), request);
    expect(operator.response.status).toBe(201);
    expect(operator.body.grant_types).toEqual(['password']);
    const row = await env.DB.prepare('SELECT registrant FROM clients WHERE id = ?')
      .bind(operator.body.client_id)
      .first();
    expect(row).toEqual({ registrant: `token:${(await hashOpaqueToken(TOKEN)).slice(0, 16)}` });

    // RFC 7592 §2.2: its updates are the operator's too.
    const clientId = operator.body.client_id as string;
    const update = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, grant_types: ['password', 'refresh_token'] },
      bearer(operator.body.registration_access_token as string),
      request,
    );
    expect(update.status).toBe(200);
    expect(await update.json()).toMatchObject({ grant_types: ['password', 'refresh_token'] });

    // Anyone else registers as before; a bearer token that is not the operator's is refused, not ignored.
    expect((await register({ grant_types: ['client_credentials'] }, {}, request)).response.status).toBe(201);
    const wrong = await register({ grant_types: ['client_credentials'] }, bearer('not-the-token'), request);
    expect(wrong.response.status).toBe(401);
    expect(wrong.body).toEqual({
      error: 'invalid_token',
      error_description: 'the initial access token is not valid; register without one, or with the right one',
    });
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', bearer('not-the-initial-access-token')],
    ['a token with one character more', bearer(`${TOKEN}x`)],
    ['the token under the Basic scheme', { Authorization: `Basic ${btoa(TOKEN)}` }],
  ])('refuses %s under the token policy with 401 invalid_token (RFC 6750 §3.1)', async (_, headers) => {
    const { request } = tokenPolicy();
    const { response, body } = await register({ grant_types: ['client_credentials'] }, headers, request);
    expect(response.status).toBe(INVALID_TOKEN.status);
    expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN.challenge);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual(INVALID_TOKEN.body);
  });

  it('refuses every registration under the closed policy with 403 access_denied', async () => {
    const { request } = createTestApp({ REGISTRATION_POLICY: 'closed' });
    const { response, body } = await register({ grant_types: ['client_credentials'] }, bearer(TOKEN), request);
    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      error: 'access_denied',
      error_description: 'dynamic client registration is closed on this server',
    });
  });
});

describe('registration limits', () => {
  it('answers 429 temporarily_unavailable with Retry-After once an IP exceeds the rate limit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const { request } = createTestApp({ REGISTRATION_RATE_LIMIT: '2', REGISTRATION_RATE_LIMIT_WINDOW_SECONDS: '600' });
    const ip = { 'CF-Connecting-IP': randomIp() };
    const metadata = { grant_types: ['client_credentials'] };
    expect((await register(metadata, ip, request)).response.status).toBe(201);
    // Refused requests count too: the limit is on attempts, not on successes.
    expect((await register({ grant_types: [] }, ip, request)).response.status).toBe(400);

    vi.setSystemTime(NOW.getTime() + 100_000);
    const { response, body } = await register(metadata, ip, request);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('500');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many requests; retry after 500 seconds',
    });

    // Another address has its own window, and the window ends.
    expect((await register(metadata, { 'CF-Connecting-IP': randomIp() }, request)).response.status).toBe(201);
    vi.setSystemTime(NOW.getTime() + 600_000);
    expect((await register(metadata, ip, request)).response.status).toBe(201);
  });

  it('counts an IPv6 client by its /64, like the login throttle, so rotating addresses in it gains nothing', async () => {
    const { request } = createTestApp({ REGISTRATION_RATE_LIMIT: '2' });
    const prefix = randomIp().replace(/::1$/, '');
    const metadata = { grant_types: ['client_credentials'] };
    expect((await register(metadata, { 'CF-Connecting-IP': `${prefix}::1` }, request)).response.status).toBe(201);
    expect((await register(metadata, { 'CF-Connecting-IP': `${prefix}::2` }, request)).response.status).toBe(201);
    const third = await register(metadata, { 'CF-Connecting-IP': `${prefix}:ffff:ffff:ffff:ffff` }, request);
    expect(third.response.status).toBe(429);
  });

  it('reads the address from CF-Connecting-IP only, never X-Forwarded-For', async () => {
    const { request } = createTestApp({ REGISTRATION_RATE_LIMIT: '1' });
    const ip = randomIp();
    const metadata = { grant_types: ['client_credentials'] };
    expect(
      (await register(metadata, { 'CF-Connecting-IP': ip, 'X-Forwarded-For': '192.0.2.1' }, request)).response.status,
    ).toBe(201);
    const again = await register(metadata, { 'CF-Connecting-IP': ip, 'X-Forwarded-For': '192.0.2.2' }, request);
    expect(again.response.status).toBe(429);
  });

  it('refuses a registrant past REGISTRATION_MAX_CLIENTS_PER_REGISTRANT with 403 access_denied', async () => {
    const { request } = createTestApp({ REGISTRATION_MAX_CLIENTS_PER_REGISTRANT: '2' });
    const ip = { 'CF-Connecting-IP': randomIp() };
    const metadata = { grant_types: ['client_credentials'] };
    const first = await register(metadata, ip, request);
    expect((await register(metadata, ip, request)).response.status).toBe(201);

    const { response, body } = await register(metadata, ip, request);
    expect(response.status).toBe(403);
    expect(body).toEqual({
      error: 'access_denied',
      error_description: 'this registrant already has 2 registered clients, the most allowed',
    });
    expect((await register(metadata, { 'CF-Connecting-IP': randomIp() }, request)).response.status).toBe(201);

    // Deleting a client (RFC 7592 §2.3) frees a place.
    const deleted = await request(`/oauth/register/${first.body.client_id}`, {
      method: 'DELETE',
      headers: bearer(first.body.registration_access_token as string),
    });
    expect(deleted.status).toBe(204);
    expect((await register(metadata, ip, request)).response.status).toBe(201);
  });

  it('refuses at start-up a rate-limit window that the cron purge would cut short', () => {
    expect(() =>
      loadConfig({ ...env, REGISTRATION_RATE_LIMIT_WINDOW_SECONDS: '86401', REGISTRATION_RATE_LIMIT: '0' }),
    ).toThrow(
      'Invalid Portcullis configuration:\n- REGISTRATION_RATE_LIMIT must be a positive integer, got "0"\n- REGISTRATION_RATE_LIMIT_WINDOW_SECONDS must be at most 86400',
    );
  });

  it('counts the clients of the token policy per initial access token, from any IP', async () => {
    const initialAccessToken = `cap-test-${crypto.randomUUID()}`;
    const { request } = createTestApp({
      REGISTRATION_POLICY: 'token',
      REGISTRATION_TOKEN: initialAccessToken,
      REGISTRATION_MAX_CLIENTS_PER_REGISTRANT: '1',
    });
    const metadata = { grant_types: ['client_credentials'] };
    expect((await register(metadata, bearer(initialAccessToken), request)).response.status).toBe(201);
    // register() sends every request from a new IP address.
    expect((await register(metadata, bearer(initialAccessToken), request)).response.status).toBe(403);
  });
});
