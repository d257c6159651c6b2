// Token endpoint errors (RFC 6749 §5.2): status, no-store and Basic challenge for client authentication failures
// (§2.3), malformed requests (repeated parameters §3.1, JSON, non-UTF-8, oversized bodies), unknown or unregistered
// grants, invalid_scope and invalid_target (RFC 8707 §2); GET is a JSON 405.
import { describe, expect, it } from 'vitest';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';

const BASIC_CHALLENGE = 'Basic realm="portcullis", charset="UTF-8"';

async function expectError(response: Response, status: number, error: string, challenge: string | null = null) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  const body = await response.json<Record<string, unknown>>();
  expect(body).toEqual({ error, error_description: expect.any(String) });
}

function rawTokenRequest(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return send('/oauth/token', { method: 'POST', headers, body });
}

describe('token endpoint errors (RFC 6749 §5.2)', () => {
  it('answers invalid_client 401 when no client authentication is sent', async () => {
    await expectError(await postForm('/oauth/token', { grant_type: 'client_credentials' }), 401, 'invalid_client');
  });

  it('answers invalid_client 401 with a Basic challenge for a wrong secret sent with Basic', async () => {
    const { client } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(client.id, 'wrong') },
    );
    await expectError(response, 401, 'invalid_client', BASIC_CHALLENGE);
  });

  it('answers invalid_client for an unknown client, without a challenge when the secret came in the body', async () => {
    const response = await postForm('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    await expectError(response, 401, 'invalid_client');
  });

  it('accepts client_secret_post for a client registered with it, and refuses Basic for that client', async () => {
    const { client, secret } = await createTestClient({ tokenEndpointAuthMethod: 'client_secret_post' });
    const ok = await postForm('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: secret,
    });
    expect(ok.status).toBe(200);
    const basic = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(basic, 401, 'invalid_client', BASIC_CHALLENGE);
  });

  it.each([
    ['a non-Basic scheme', 'Bearer abc'],
    ['invalid base64', 'Basic %%%'],
    ['no colon', `Basic ${btoa('just-an-id')}`],
    ['bad percent-encoding', `Basic ${btoa('id%zz:secret')}`],
    ['credentials that are not UTF-8', `Basic ${btoa('id:\xff\xfe')}`],
    ['an empty client id', `Basic ${btoa(':secret')}`],
  ])('answers invalid_client with a challenge for a malformed Authorization header: %s', async (_, header) => {
    const response = await postForm('/oauth/token', { grant_type: 'client_credentials' }, { Authorization: header });
    await expectError(response, 401, 'invalid_client', BASIC_CHALLENGE);
  });

  it('refuses two authentication methods in one request (RFC 6749 §2.3)', async () => {
    const { client, secret } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', client_secret: secret },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(response, 400, 'invalid_request');
  });

  it('answers invalid_request when grant_type is missing', async () => {
    const { client, secret } = await createTestClient();
    await expectError(
      await postForm('/oauth/token', {}, { Authorization: basicAuthorization(client.id, secret) }),
      400,
      'invalid_request',
    );
  });

  it('answers unsupported_grant_type for an unknown grant', async () => {
    const { client, secret } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'urn:example:magic' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(response, 400, 'unsupported_grant_type');
  });

  it('escapes the echoed grant_type into the RFC 6749 §5.2 character set', async () => {
    const { client, secret } = await createTestClient();
    const response = await rawTokenRequest('grant_type=%EF%BD%83%22%5C', {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization(client.id, secret),
    });
    expect(await response.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant_type %EF%BD%83%22%5C is not supported',
    });
  });

  it('escapes an echoed resource into the RFC 6749 §5.2 character set', async () => {
    const { client, secret } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', resource: 'https://elsewhere.test/"\\ü' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    expect(await response.json()).toEqual({
      error: 'invalid_target',
      error_description: 'unknown resource: https://elsewhere.test/%22%5C%C3%BC',
    });
  });

  it('answers unauthorized_client when the client is not registered for the grant', async () => {
    const { client, secret } = await createTestClient({
      grantTypes: ['authorization_code'],
      redirectUris: ['https://app.test/cb'],
    });
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(response, 400, 'unauthorized_client');
  });

  it('answers invalid_scope for a scope outside the client registration', async () => {
    const { client, secret } = await createTestClient({ scopes: ['read'] });
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read write' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(response, 400, 'invalid_scope');
  });

  it('answers invalid_scope for a malformed scope string', async () => {
    const { client, secret } = await createTestClient();
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read "quoted"' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    await expectError(response, 400, 'invalid_scope');
  });

  it('answers invalid_target for an unknown or fragment-bearing resource (RFC 8707 §2)', async () => {
    const { client, secret } = await createTestClient();
    const auth = { Authorization: basicAuthorization(client.id, secret) };
    await expectError(
      await postForm('/oauth/token', { grant_type: 'client_credentials', resource: 'https://elsewhere.test/' }, auth),
      400,
      'invalid_target',
    );
    await expectError(
      await postForm('/oauth/token', { grant_type: 'client_credentials', resource: 'https://issuer.test/api#x' }, auth),
      400,
      'invalid_target',
    );
    await expectError(
      await postForm('/oauth/token', { grant_type: 'client_credentials', resource: 'not a uri' }, auth),
      400,
      'invalid_target',
    );
  });

  it('refuses a repeated parameter (RFC 6749 §3.1)', async () => {
    const { client, secret } = await createTestClient();
    const response = await rawTokenRequest('grant_type=client_credentials&scope=read&scope=write', {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization(client.id, secret),
    });
    await expectError(response, 400, 'invalid_request');
  });

  it('refuses JSON instead of a form', async () => {
    const response = await rawTokenRequest(JSON.stringify({ grant_type: 'client_credentials' }), {
      'Content-Type': 'application/json',
    });
    await expectError(response, 400, 'invalid_request');
  });

  it('refuses a body that is not UTF-8, raw or percent-encoded', async () => {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    await expectError(await rawTokenRequest(new Uint8Array([0x67, 0x3d, 0xff, 0xfe]), headers), 400, 'invalid_request');
    await expectError(await rawTokenRequest('grant_type=%FF', headers), 400, 'invalid_request');
  });

  it('refuses a huge body with 413 before reading it', async () => {
    const response = await rawTokenRequest(`grant_type=client_credentials&pad=${'a'.repeat(70 * 1024)}`, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    await expectError(response, 413, 'invalid_request');
  });

  it('answers GET on the token endpoint with a JSON 405 and Allow: POST, never a page or a 500', async () => {
    const response = await send('/oauth/token');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });
});
