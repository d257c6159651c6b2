// /oauth/register/:client_id (RFC 7592): read, replace (omitted members reset; the secret kept, issued or dropped as
// the client type changes) and delete with cascade; a missing or wrong registration access token is refused the
// same way whether or not the client exists.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';
import { TEST_ISSUER } from '../helpers/constants';
import { basicAuthorization, postForm, send } from '../helpers/http';
import { bearer, register, registerClientCredentialsClient, sendJson } from '../helpers/registration';
import { createTestUser } from '../helpers/users';

const REFUSED = {
  status: 401,
  challenge: 'Bearer realm="portcullis", error="invalid_token"',
  body: { error: 'invalid_token', error_description: 'the registration access token is not valid for this client' },
};

async function refusal(response: Response) {
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: await response.json(),
  };
}

/** The ways a management request can lack the right token, for an existing client and for an unknown one. */
async function unauthorizedRequests(method: string, body?: unknown): Promise<Response[]> {
  const target = await registerClientCredentialsClient();
  const other = await registerClientCredentialsClient();
  const unknownClient = `/oauth/register/${generateOpaqueToken(16)}`;
  const path = `/oauth/register/${target.clientId}`;
  const sendWith = (to: string, headers: Record<string, string>) =>
    body === undefined ? send(to, { method, headers }) : sendJson(to, method, body, headers);
  return Promise.all([
    sendWith(path, {}),
    sendWith(path, bearer('wrong-token')),
    sendWith(path, bearer(other.registrationAccessToken)),
    sendWith(path, { Authorization: basicAuthorization(target.clientId, target.secret) }),
    sendWith(path, { Authorization: target.registrationAccessToken }),
    sendWith(unknownClient, {}),
    sendWith(unknownClient, bearer(target.registrationAccessToken)),
  ]);
}

describe('GET /oauth/register/:client_id (RFC 7592 §2.1)', () => {
  it('answers the client information with the registration access token', async () => {
    const {
      clientId,
      registrationAccessToken,
      body: registered,
    } = await registerClientCredentialsClient({ client_uri: 'https://machine.example.com' });
    const response = await send(`/oauth/register/${clientId}`, { headers: bearer(registrationAccessToken) });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    // The secret exists only as a hash, so it is not part of the answer (RFC 7591 §3.2.1 makes it optional).
    const { client_secret: _secret, ...withoutSecret } = registered;
    expect(await response.json()).toEqual(withoutSecret);
  });

  it('refuses a redirect URI with a line break in an update (RFC 7592 §2.2), keeping the registration', async () => {
    const { clientId, registrationAccessToken } = await registerClientCredentialsClient();
    const response = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      {
        client_id: clientId,
        grant_types: ['authorization_code'],
        redirect_uris: ['https://app.example.com/cb\r\nSet-Cookie: a=b'],
      },
      bearer(registrationAccessToken),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_redirect_uri',
      error_description: 'redirect_uris[0] must not contain whitespace or control characters',
    });
    const read = await send(`/oauth/register/${clientId}`, { headers: bearer(registrationAccessToken) });
    expect(await read.json()).toMatchObject({ grant_types: ['client_credentials'], redirect_uris: [] });
  });

  it('refuses a missing or wrong token the same way whether or not the client exists', async () => {
    for (const response of await unauthorizedRequests('GET')) {
      expect(await refusal(response)).toEqual(REFUSED);
    }
  });
});

describe('PUT /oauth/register/:client_id (RFC 7592 §2.2)', () => {
  it('replaces the metadata, resets omitted members and keeps the secret', async () => {
    const { clientId, secret, registrationAccessToken } = await registerClientCredentialsClient({
      client_uri: 'https://machine.example.com',
      scope: 'read',
    });
    const replacement = {
      client_id: clientId,
      client_secret: secret,
      client_name: 'Machine, renamed',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      contacts: ['ops@example.com'],
    };
    const response = await sendJson(`/oauth/register/${clientId}`, 'PUT', replacement, bearer(registrationAccessToken));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      client_id: clientId,
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      registration_access_token: registrationAccessToken,
      registration_client_uri: `${TEST_ISSUER}/oauth/register/${clientId}`,
      client_name: 'Machine, renamed',
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      // Omitted members are deleted (§2.2): the scope returns to its default, client_uri is gone.
      scope: 'read write',
      allowed_origins: [],
      contacts: ['ops@example.com'],
    });
    const token = await postForm('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    });
    expect(token.status).toBe(200);
  });

  it('gives a client that turns confidential a new secret, and drops the secret of one that turns public', async () => {
    const { clientId, secret, registrationAccessToken } = await registerClientCredentialsClient();
    const toPublic = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] },
      bearer(registrationAccessToken),
    );
    expect(toPublic.status).toBe(200);
    expect(await toPublic.json()).not.toHaveProperty('client_secret');
    const row = await env.DB.prepare('SELECT type, secret_hash FROM clients WHERE id = ?').bind(clientId).first();
    expect(row).toEqual({ type: 'public', secret_hash: null });

    const toConfidential = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, grant_types: ['client_credentials'] },
      bearer(registrationAccessToken),
    );
    const body = await toConfidential.json<Record<string, unknown>>();
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.client_secret).not.toBe(secret);
    const token = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(clientId, body.client_secret as string) },
    );
    expect(token.status).toBe(200);
  });

  it.each([
    [
      'a client_id of another client',
      { client_id: 'someone-else' },
      'client_id must be the client_id of this registration',
    ],
    ['no client_id', { client_id: undefined }, 'client_id must be the client_id of this registration'],
    [
      'a client_secret that does not match',
      { client_secret: 'chosen-by-the-client' },
      'client_secret does not match the secret of this client',
    ],
    [
      'registration_access_token',
      { registration_access_token: 'x' },
      'the request must not include registration_access_token',
    ],
    ['client_id_issued_at', { client_id_issued_at: 0 }, 'the request must not include client_id_issued_at'],
  ])('refuses an update with %s as invalid_request', async (_, members, description) => {
    const { clientId, registrationAccessToken } = await registerClientCredentialsClient();
    const response = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, grant_types: ['client_credentials'], ...members },
      bearer(registrationAccessToken),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('validates the new metadata like a registration (RFC 7592 §2.2)', async () => {
    const { clientId, registrationAccessToken } = await registerClientCredentialsClient();
    const response = await sendJson(
      `/oauth/register/${clientId}`,
      'PUT',
      { client_id: clientId, grant_types: ['client_credentials'], redirect_uris: ['http://app.example.com/cb'] },
      bearer(registrationAccessToken),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_redirect_uri',
      error_description: 'redirect_uris[0] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
    });
  });

  it('refuses a missing or wrong token the same way whether or not the client exists', async () => {
    for (const response of await unauthorizedRequests('PUT', {
      client_name: 'hijacked',
      grant_types: ['client_credentials'],
    })) {
      expect(await refusal(response)).toEqual(REFUSED);
    }
  });
});

describe('DELETE /oauth/register/:client_id (RFC 7592 §2.3)', () => {
  it('deletes the client, whose credentials and registration token then stop working', async () => {
    const { clientId, secret, registrationAccessToken } = await registerClientCredentialsClient();
    const response = await send(`/oauth/register/${clientId}`, {
      method: 'DELETE',
      headers: bearer(registrationAccessToken),
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    const token = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(clientId, secret) },
    );
    expect(token.status).toBe(401);
    const again = await send(`/oauth/register/${clientId}`, { headers: bearer(registrationAccessToken) });
    expect(await refusal(again)).toEqual(REFUSED);
  });

  it('removes the refresh tokens, consents and codes of the client with it (ON DELETE CASCADE)', async () => {
    expect(await env.DB.prepare('PRAGMA foreign_keys').first()).toEqual({ foreign_keys: 1 });
    const { clientId, registrationAccessToken } = await registerClientCredentialsClient();
    const { user } = await createTestUser();
    const now = Math.floor(Date.now() / 1000);
    await env.DB.batch([
      env.DB.prepare(
        'INSERT INTO consents (user_id, client_id, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ).bind(user.id, clientId, 'read', now, now),
      env.DB.prepare(
        'INSERT INTO refresh_tokens (token_hash, grant_id, client_id, user_id, scope, resources, created_at, expires_at, grant_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).bind(
        await hashOpaqueToken(generateOpaqueToken()),
        'grant-1',
        clientId,
        user.id,
        'read',
        '[]',
        now,
        now + 60,
        now + 60,
      ),
      env.DB.prepare(
        'INSERT INTO authorization_codes (code_hash, grant_id, client_id, user_id, redirect_uri, scope, resources, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).bind(
        await hashOpaqueToken(generateOpaqueToken()),
        'grant-2',
        clientId,
        user.id,
        'https://app.example/cb',
        'read',
        '[]',
        now,
        now,
        now + 60,
      ),
    ]);

    const response = await send(`/oauth/register/${clientId}`, {
      method: 'DELETE',
      headers: bearer(registrationAccessToken),
    });
    expect(response.status).toBe(204);
    for (const table of ['clients', 'consents', 'refresh_tokens', 'authorization_codes']) {
      const column = table === 'clients' ? 'id' : 'client_id';
      expect(
        await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(clientId).first(),
      ).toEqual({ n: 0 });
    }
    expect(await env.DB.prepare('SELECT count(*) AS n FROM users WHERE id = ?').bind(user.id).first()).toEqual({
      n: 1,
    });
  });

  it('refuses a missing or wrong token the same way whether or not the client exists, and deletes nothing', async () => {
    for (const response of await unauthorizedRequests('DELETE')) {
      expect(await refusal(response)).toEqual(REFUSED);
    }
    const { clientId } = await registerClientCredentialsClient();
    await send(`/oauth/register/${clientId}`, { method: 'DELETE', headers: bearer('wrong-token') });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM clients WHERE id = ?').bind(clientId).first()).toEqual({
      n: 1,
    });
  });
});

describe('registration_client_uri', () => {
  it('is where the registration is managed', async () => {
    const { body } = await register({ grant_types: ['client_credentials'] });
    const uri = new URL(body.registration_client_uri as string);
    const response = await send(uri.pathname, { headers: bearer(body.registration_access_token as string) });
    expect(response.status).toBe(200);
  });
});
