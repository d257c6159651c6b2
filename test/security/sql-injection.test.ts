// SQL injection (RFC 6819 §5.1.4.1.2): SQL metacharacters in every field of every endpoint are data. No request
// errs with a 5xx, every table survives with its rows, and a free-text value comes back exactly as sent.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCodeClient, postAsClient, REDIRECT_URI } from '../helpers/authorization';
import { withQuery } from '../helpers/authorize';
import { TestBrowser } from '../helpers/browser';
import type { TestClient } from '../helpers/clients';
import { BOOKKEEPING_TABLES, snapshotRows, tableNames, type RowSnapshot } from '../helpers/d1-rows';
import { basicAuthorization, send } from '../helpers/http';
import { bearer, register, registerClientCredentialsClient, sendJson } from '../helpers/registration';
import { createTestUser } from '../helpers/users';

const SQL_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE clients; --",
  '"; DROP TABLE users; --',
  "' UNION SELECT secret_hash, 1, 1 FROM clients --",
  "admin'--",
  '1); DELETE FROM sessions; --',
  "\\'; UPDATE users SET is_admin = 1; --",
  '%27%20OR%201%3D1--',
];

/** Every row present before is still there, unchanged; new rows (a registration) may be added. */
function expectRowsKept(before: RowSnapshot, after: RowSnapshot): void {
  for (const [table, rows] of Object.entries(before)) {
    expect(after[table], `table ${table}`).toBeDefined();
    for (const row of rows) expect(after[table], `a row of ${table}`).toContain(row);
  }
}

type Attack = (payload: string) => Promise<Response>;

let client: TestClient;
let registration: Awaited<ReturnType<typeof registerClientCredentialsClient>>;

beforeAll(async () => {
  client = await createCodeClient();
  registration = await registerClientCredentialsClient();
  await createTestUser();
});

function loginWith(fields: (payload: string) => Record<string, string>): Attack {
  return async (payload) => {
    const browser = new TestBrowser();
    await browser.get('/login');
    return browser.submit('/login', fields(payload));
  };
}

const tokenForm =
  (form: (payload: string) => Record<string, string>): Attack =>
  (payload) =>
    postAsClient(client, '/oauth/token', form(payload));

const ATTACKS: Array<[string, Attack]> = [
  ['login username', loginWith((p) => ({ username: p, password: 'a password' }))],
  ['login password', loginWith((p) => ({ username: 'someone', password: p }))],
  ['login return_to', loginWith((p) => ({ username: 'someone', password: 'x', return_to: `/${p}` }))],
  [
    'sign-up username, password and email (JSON)',
    (p) => sendJson('/signup', 'POST', { username: p, password: `${p} long enough`, email: `${p}@example.com` }),
  ],
  ['token grant_type', tokenForm((p) => ({ grant_type: p }))],
  [
    'token code',
    tokenForm((p) => ({
      grant_type: 'authorization_code',
      code: p,
      redirect_uri: REDIRECT_URI,
      code_verifier: 'x'.repeat(43),
    })),
  ],
  [
    'token redirect_uri and code_verifier',
    tokenForm((p) => ({ grant_type: 'authorization_code', code: 'c', redirect_uri: p, code_verifier: p })),
  ],
  ['token refresh_token', tokenForm((p) => ({ grant_type: 'refresh_token', refresh_token: p }))],
  ['token scope', tokenForm((p) => ({ grant_type: 'client_credentials', scope: p }))],
  ['token resource', tokenForm((p) => ({ grant_type: 'client_credentials', resource: `https://api.example/${p}` }))],
  ['token password grant', tokenForm((p) => ({ grant_type: 'password', username: p, password: p }))],
  [
    'client_id and secret in Basic',
    (p) =>
      send('/oauth/token', {
        method: 'POST',
        headers: { Authorization: basicAuthorization(p, p), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
  ],
  [
    'client_id and secret in the body',
    (p) =>
      send('/oauth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: p, client_secret: p }),
      }),
  ],
  ['revocation token and hint', (p) => postAsClient(client, '/oauth/revoke', { token: p, token_type_hint: p })],
  ['introspection token and hint', (p) => postAsClient(client, '/oauth/introspect', { token: p, token_type_hint: p })],
  [
    'every authorization parameter',
    (p) =>
      send(
        withQuery('/oauth/authorize', {
          response_type: p,
          client_id: p,
          redirect_uri: p,
          scope: p,
          state: p,
          nonce: p,
          code_challenge: p,
          code_challenge_method: p,
          prompt: p,
        }),
        { redirect: 'manual' },
      ),
  ],
  [
    'authorization parameters of a real client',
    (p) =>
      send(
        withQuery('/oauth/authorize', {
          response_type: 'code',
          client_id: client.client.id,
          redirect_uri: REDIRECT_URI,
          scope: p,
          state: p,
          nonce: p,
        }),
        { redirect: 'manual' },
      ),
  ],
  [
    'logout parameters',
    (p) =>
      send(withQuery('/oauth/logout', { client_id: p, post_logout_redirect_uri: p, id_token_hint: p, state: p }), {
        redirect: 'manual',
      }),
  ],
  [
    'userinfo bearer token',
    (p) => send('/oauth/userinfo', { headers: { Authorization: `Bearer ${encodeURIComponent(p)}` } }),
  ],
  [
    'registration metadata',
    (p) =>
      sendJson('/oauth/register', 'POST', {
        client_name: p,
        redirect_uris: [`https://app.example/${encodeURIComponent(p)}`],
        scope: p,
        grant_types: [p],
        token_endpoint_auth_method: p,
        contacts: [p],
      }),
  ],
  [
    'registration client id in the path',
    (p) => send(`/oauth/register/${encodeURIComponent(p)}`, { headers: bearer(p) }),
  ],
  [
    'registration access token',
    (p) => send(`/oauth/register/${registration.clientId}`, { headers: bearer(encodeURIComponent(p)) }),
  ],
  [
    'session and CSRF cookies',
    (p) =>
      send('/account', {
        headers: {
          Cookie: `__Host-portcullis_session=${encodeURIComponent(p)}; __Host-portcullis_csrf=${encodeURIComponent(p)}`,
        },
        redirect: 'manual',
      }),
  ],
  ['unicorn API path', (p) => send(`/api/unicorns/${encodeURIComponent(p)}`, { headers: bearer(p) })],
];

describe('SQL injection in every field (RFC 6819 §5.1.4.1.2)', () => {
  it.each(ATTACKS)('treats SQL in the %s as data', async (_, attack) => {
    const tables = await tableNames();
    const before = await snapshotRows(env.DB, BOOKKEEPING_TABLES);
    for (const payload of SQL_PAYLOADS) {
      const response = await attack(payload);
      expect(response.status, payload).toBeLessThan(500);
      await response.body?.cancel();
    }
    expect(await tableNames()).toEqual(tables);
    expectRowsKept(before, await snapshotRows(env.DB, BOOKKEEPING_TABLES));
  });

  it('stores a free-text value made of SQL exactly as sent', async () => {
    for (const payload of SQL_PAYLOADS) {
      const { response, body } = await register({ client_name: payload, grant_types: ['client_credentials'] });
      expect(response.status).toBe(201);
      expect(body.client_name).toBe(payload);
      const row = await env.DB.prepare('SELECT name FROM clients WHERE id = ?')
        .bind(body.client_id as string)
        .first<{ name: string }>();
      expect(row?.name).toBe(payload);
    }
  });
});
