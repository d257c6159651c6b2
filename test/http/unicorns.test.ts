// The sample API /api/unicorns: CRUD under read and write scopes, RFC 6750 §3.1 answers for a missing token, a missing
// scope, another audience (RFC 8707) and expiry; only the owner may change a unicorn; exact 400s for bad input;
// paging; and token checks that read nothing from D1.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { issueAccessToken } from '../../src/tokens/access-token';
import { importKeyRing, parseSigningKeySet } from '../../src/tokens/keys';
import { createTestApp } from '../helpers/app';
import { createTestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { basicAuthorization, postForm, send } from '../helpers/http';

const METADATA_URL = `${TEST_ISSUER}/.well-known/oauth-protected-resource/api`;
const CHALLENGE = `Bearer realm="${TEST_AUDIENCE}", resource_metadata="${METADATA_URL}"`;
/** RFC 9449 §7.1: the sample API accepts DPoP too, so its challenges name it with its algorithms. */
const DPOP_CHALLENGE = `DPoP realm="${TEST_AUDIENCE}", resource_metadata="${METADATA_URL}", algs="ES256 EdDSA Ed25519 RS256 PS256"`;

afterEach(() => {
  vi.useRealTimers();
});

/** A real token from the token endpoint, for a new client allowed exactly `scopes`. */
async function tokenFor(scopes: string[]): Promise<{ token: string; clientId: string }> {
  const { client, secret } = await createTestClient({ scopes });
  const response = await postForm(
    '/oauth/token',
    { grant_type: 'client_credentials' },
    { Authorization: basicAuthorization(client.id, secret) },
  );
  expect(response.status).toBe(200);
  return { token: (await response.json<{ access_token: string }>()).access_token, clientId: client.id };
}

function api(path: string, token: string | undefined, method = 'GET', json?: unknown): Promise<Response> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  return send(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
}

async function createUnicorn(
  token: string,
  body: unknown = { name: 'Sparkle', age: 7, color: 'pink' },
): Promise<{ id: string }> {
  const response = await api('/api/unicorns', token, 'POST', body);
  expect(response.status).toBe(201);
  return response.json<{ id: string }>();
}

describe('/api/unicorns', () => {
  it('lets a token with read and write create, list, read, replace, update and delete unicorns', async () => {
    await env.DB.prepare('DELETE FROM unicorns').run();
    const { token, clientId } = await tokenFor(['read', 'write']);

    const created = await api('/api/unicorns', token, 'POST', {
      name: ' Sparkle ',
      age: 7,
      color: 'pink',
      id: 'ignored',
    });
    expect(created.status).toBe(201);
    const unicorn = await created.json<{ id: string }>();
    expect(unicorn).toEqual({
      id: expect.any(String),
      name: 'Sparkle',
      age: 7,
      color: 'pink',
      owner: clientId,
      created_at: expect.any(Number),
    });
    expect(created.headers.get('location')).toBe(`/api/unicorns/${unicorn.id}`);

    expect(await (await api('/api/unicorns', token)).json()).toEqual({ unicorns: [unicorn] });
    expect(await (await api(`/api/unicorns/${unicorn.id}`, token)).json()).toEqual(unicorn);

    const replaced = await api(`/api/unicorns/${unicorn.id}`, token, 'PUT', { name: 'Glitter', age: 8 });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({ ...unicorn, name: 'Glitter', age: 8, color: null });

    const patched = await api(`/api/unicorns/${unicorn.id}`, token, 'PATCH', { color: 'silver' });
    expect(await patched.json()).toEqual({ ...unicorn, name: 'Glitter', age: 8, color: 'silver' });

    const deleted = await api(`/api/unicorns/${unicorn.id}`, token, 'DELETE');
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await api(`/api/unicorns/${unicorn.id}`, token);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: 'not_found', error_description: 'no unicorn has this id' });
  });

  it('lets a read-only token list and read, and answers its writes with 403 insufficient_scope (RFC 6750 §3.1)', async () => {
    const writer = await tokenFor(['read', 'write']);
    const { id } = await createUnicorn(writer.token);
    const { token } = await tokenFor(['read']);

    expect((await api('/api/unicorns', token)).status).toBe(200);
    expect(await (await api(`/api/unicorns/${id}`, token)).json()).toMatchObject({ id, name: 'Sparkle' });

    const description = 'the access token lacks the scope this request requires: write';
    for (const [method, path] of [
      ['POST', '/api/unicorns'],
      ['PUT', `/api/unicorns/${id}`],
      ['PATCH', `/api/unicorns/${id}`],
      ['DELETE', `/api/unicorns/${id}`],
    ] as const) {
      const response = await api(path, token, method, method === 'DELETE' ? undefined : { name: 'Nope', age: 1 });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        `${CHALLENGE}, error="insufficient_scope", error_description="${description}", scope="write", ${DPOP_CHALLENGE}`,
      );
      expect(await response.json()).toEqual({ error: 'insufficient_scope', error_description: description });
    }
  });

  it('answers a request without a token with 401 and a challenge without an error code (RFC 6750 §3.1)', async () => {
    const response = await api('/api/unicorns', undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`${CHALLENGE}, ${DPOP_CHALLENGE}`);
    expect(await response.json()).toEqual({ error_description: 'an access token is required' });
  });

  it('refuses a token issued for another resource with 401 invalid_token (RFC 8707, RFC 9068 §4)', async () => {
    const keys = await importKeyRing(parseSigningKeySet(env.SIGNING_KEYS));
    const { token } = await issueAccessToken(
      {
        issuer: TEST_ISSUER,
        subject: 'client-x',
        audience: 'https://other.test/api',
        clientId: 'client-x',
        scopes: ['read'],
        ttlSeconds: 300,
      },
      keys.primary,
    );
    const response = await api('/api/unicorns', token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `${CHALLENGE}, error="invalid_token", error_description="the access token is not meant for this resource", ${DPOP_CHALLENGE}`,
    );
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is not meant for this resource',
    });
  });

  it('refuses an expired token with 401 invalid_token', async () => {
    const { token } = await tokenFor(['read']);
    expect((await api('/api/unicorns', token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16 * 60 * 1000);
    const response = await api('/api/unicorns', token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `${CHALLENGE}, error="invalid_token", error_description="the access token has expired", ${DPOP_CHALLENGE}`,
    );
  });

  it('keeps accepting a token after its client row is deleted: authorization reads no database', async () => {
    const { token, clientId } = await tokenFor(['read', 'write']);
    const { id } = await createUnicorn(token);
    await env.DB.prepare('DELETE FROM clients WHERE id = ?').bind(clientId).run();
    expect((await api(`/api/unicorns/${id}`, token)).status).toBe(200);
  });

  it('queries D1 only for the rows: none to refuse a token, one to read a unicorn', async () => {
    const { token } = await tokenFor(['read', 'write']);
    const { id } = await createUnicorn(token);
    const { token: readOnly } = await tokenFor(['read']);
    let statements = 0;
    const countingDb = new Proxy(env.DB, {
      get(target, property) {
        if (property === 'prepare') statements += 1;
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { request } = createTestApp({ DB: countingDb });
    const auth = (bearer: string) => ({ headers: { Authorization: `Bearer ${bearer}` } });

    expect((await request(`/api/unicorns/${id}`, { method: 'DELETE', ...auth(readOnly) })).status).toBe(403);
    expect((await request('/api/unicorns', auth(`${token}x`))).status).toBe(401);
    expect(statements).toBe(0);
    expect((await request(`/api/unicorns/${id}`, auth(readOnly))).status).toBe(200);
    expect(statements).toBe(1);
  });

  it('lets only the owner change a unicorn', async () => {
    const owner = await tokenFor(['read', 'write']);
    const other = await tokenFor(['read', 'write']);
    const { id } = await createUnicorn(owner.token);
    for (const method of ['PATCH', 'DELETE']) {
      const response = await api(
        `/api/unicorns/${id}`,
        other.token,
        method,
        method === 'DELETE' ? undefined : { color: 'black' },
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: 'access_denied',
        error_description: 'only the owner of this unicorn may change it',
      });
    }
    expect(await (await api(`/api/unicorns/${id}`, owner.token)).json()).toMatchObject({ color: 'pink' });
  });

  it('answers 404 for an unknown id on read, replace and delete', async () => {
    const { token } = await tokenFor(['read', 'write']);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await api(
        '/api/unicorns/no-such-unicorn',
        token,
        method,
        method === 'PUT' ? { name: 'A', age: 1 } : undefined,
      );
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', error_description: 'no unicorn has this id' });
    }
  });

  it('answers invalid input with 400 invalid_request', async () => {
    const { token } = await tokenFor(['read', 'write']);
    const { id } = await createUnicorn(token);
    const cases: Array<[string, string, RequestInit, string]> = [
      [
        'POST',
        '/api/unicorns',
        { body: JSON.stringify({ name: '', age: 1 }), headers: { 'Content-Type': 'application/json' } },
        'name must not be empty',
      ],
      [
        'POST',
        '/api/unicorns',
        { body: JSON.stringify({ name: 'A' }), headers: { 'Content-Type': 'application/json' } },
        'age is required',
      ],
      [
        'POST',
        '/api/unicorns',
        { body: JSON.stringify({ name: 'A', age: 1, color: 7 }), headers: { 'Content-Type': 'application/json' } },
        'color must be a string',
      ],
      ...[-1, 1.5, '-1', 10_001, null].map((age): [string, string, RequestInit, string] => [
        'POST',
        '/api/unicorns',
        { body: JSON.stringify({ name: 'A', age }), headers: { 'Content-Type': 'application/json' } },
        'age must be an integer from 0 to 10000',
      ]),
      ...['-1', '3.5', 'old', '0x10'].map((age): [string, string, RequestInit, string] => [
        'POST',
        '/api/unicorns',
        {
          body: `name=A&age=${encodeURIComponent(age)}`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
        'age must be an integer from 0 to 10000',
      ]),
      [
        'POST',
        '/api/unicorns',
        { body: 'name=A&age=1&age=2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        'age must not be repeated',
      ],
      [
        'POST',
        '/api/unicorns',
        {
          body: JSON.stringify({ name: 'A'.repeat(101), age: 1 }),
          headers: { 'Content-Type': 'application/json' },
        },
        'name must be at most 100 characters',
      ],
      [
        'POST',
        '/api/unicorns',
        { body: JSON.stringify(['A', 'b']), headers: { 'Content-Type': 'application/json' } },
        'the body must be a JSON object',
      ],
      [
        'POST',
        '/api/unicorns',
        { body: '{"name":', headers: { 'Content-Type': 'application/json' } },
        'the request body is not valid JSON',
      ],
      // RFC 8259 §8.1: JSON is UTF-8; a stray 0xFF byte is refused, not replaced with U+FFFD.
      [
        'POST',
        '/api/unicorns',
        {
          body: new Uint8Array([
            ...new TextEncoder().encode('{"name":"A'),
            0xff,
            ...new TextEncoder().encode('","age":1}'),
          ]),
          headers: { 'Content-Type': 'application/json' },
        },
        'the request body is not valid UTF-8',
      ],
      [
        'POST',
        '/api/unicorns',
        { body: 'name=A&age=1', headers: { 'Content-Type': 'text/plain' } },
        'the request body must be application/json or application/x-www-form-urlencoded',
      ],
      [
        'PATCH',
        `/api/unicorns/${id}`,
        { body: '{}', headers: { 'Content-Type': 'application/json' } },
        'the body must change name, age or color',
      ],
      ['GET', '/api/unicorns?limit=0', {}, 'limit must be an integer from 1 to 100'],
      ['GET', '/api/unicorns?offset=-1', {}, 'offset must be an integer from 0 to 999999'],
    ];
    for (const [method, path, init, description] of cases) {
      const response = await send(path, {
        ...init,
        method,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      });
      expect({ path, status: response.status, body: await response.json() }).toEqual({
        path,
        status: 400,
        body: { error: 'invalid_request', error_description: description },
      });
    }
  });

  it('pages the list with limit and offset', async () => {
    await env.DB.prepare('DELETE FROM unicorns').run();
    const { token } = await tokenFor(['read', 'write']);
    const first = await createUnicorn(token, { name: 'One', age: 1 });
    const second = await createUnicorn(token, { name: 'Two', age: 2 });
    const ids = async (query: string) =>
      (await (await api(`/api/unicorns${query}`, token)).json<{ unicorns: Array<{ id: string }> }>()).unicorns.map(
        (unicorn) => unicorn.id,
      );
    const both = await ids('');
    expect(both.sort()).toEqual([first.id, second.id].sort());
    expect(await ids('?limit=1')).toEqual([both[0]]);
    expect(await ids('?limit=1&offset=1')).toEqual([both[1]]);
  });
});
