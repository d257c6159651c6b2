// POST /oauth/introspect (RFC 7662): the exact §2.2 answer for active access and refresh tokens; {active:false} for
// expired, tampered, rotated, revoked, unknown and disabled-user tokens and another client's refresh token (§4);
// confidential clients only (§2.1).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { storesFor } from '../../src/storage/stores';
import {
  createCodeClient,
  createPublicCodeClient,
  expectOAuthError,
  postAsClient,
  refreshWith,
  signIn,
  type TokenSet,
} from '../helpers/authorization';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { basicAuthorization, postForm } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const INACTIVE = { active: false };

async function introspect(testClient: TestClient, token: string, expectedBody: Record<string, unknown>) {
  const response = await postAsClient(testClient, '/oauth/introspect', { token });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toEqual(expectedBody);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /oauth/introspect: access tokens (RFC 7662)', () => {
  it('describes an active access token of a user (§2.2)', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const { access_token } = await signIn(testClient, user);
    const claims = decodeJwt(access_token);
    await introspect(testClient, access_token, {
      active: true,
      scope: 'openid profile email offline_access read',
      client_id: testClient.client.id,
      username: user.username,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: user.id,
      aud: TEST_AUDIENCE,
      iss: TEST_ISSUER,
      jti: claims.jti,
    });
  });

  it('describes an access token to another confidential client, such as a resource server', async () => {
    const testClient = await createCodeClient();
    const resourceServer = await createTestClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    const response = await postAsClient(resourceServer, '/oauth/introspect', { token: access_token });
    expect(await response.json()).toMatchObject({ active: true, client_id: testClient.client.id });
  });

  it('describes a client_credentials token without a username', async () => {
    const testClient = await createTestClient();
    const tokenResponse = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(testClient.client.id, testClient.secret) },
    );
    const { access_token } = await tokenResponse.json<TokenSet>();
    const claims = decodeJwt(access_token);
    await introspect(testClient, access_token, {
      active: true,
      scope: 'read write',
      client_id: testClient.client.id,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: testClient.client.id,
      aud: TEST_AUDIENCE,
      iss: TEST_ISSUER,
      jti: claims.jti,
    });
  });

  it('calls an access token inactive once its exp is reached', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    vi.setSystemTime(decodeJwt(access_token).exp! * 1000);
    await introspect(testClient, access_token, INACTIVE);
  });

  it('calls a tampered, foreign or malformed JWT inactive', async () => {
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    const [header, payload] = access_token.split('.');
    await introspect(testClient, `${header}.${payload}.${'A'.repeat(86)}`, INACTIVE);
    await introspect(testClient, 'eyJhbGciOiJub25lIn0.e30.', INACTIVE);
    await introspect(testClient, 'a.b.c', INACTIVE);
  });

  it('calls the access token of a user disabled since inactive', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const { access_token } = await signIn(testClient, user);
    await storesFor(env.DB).users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    await introspect(testClient, access_token, INACTIVE);
  });
});

describe('POST /oauth/introspect: refresh tokens (RFC 7662)', () => {
  it('describes an active refresh token to the client it was issued to', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const now = Math.floor(Date.now() / 1000);
    const { refresh_token } = await signIn(testClient, user);
    const response = await postAsClient(testClient, '/oauth/introspect', { token: refresh_token! });
    const body = await response.json<Record<string, number>>();
    expect(body).toEqual({
      active: true,
      scope: 'openid profile email offline_access read',
      client_id: testClient.client.id,
      username: user.username,
      exp: body.iat! + 14 * 24 * 3600,
      iat: expect.any(Number),
      sub: user.id,
      iss: TEST_ISSUER,
    });
    expect(body.iat).toBeGreaterThanOrEqual(now);
  });

  it('calls a refresh token inactive for any other client (§4)', async () => {
    const testClient = await createCodeClient();
    const other = await createCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    await introspect(other, refresh_token!, INACTIVE);
  });

  it('calls rotated, revoked and unknown refresh tokens inactive', async () => {
    const testClient = await createCodeClient();
    const first = await signIn(testClient, (await createTestUser()).user);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    await introspect(testClient, first.refresh_token!, INACTIVE);
    await postAsClient(testClient, '/oauth/revoke', { token: second.refresh_token! });
    await introspect(testClient, second.refresh_token!, INACTIVE);
    await introspect(testClient, 'never-issued', INACTIVE);
  });

  it('calls an idle-expired refresh token inactive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    vi.setSystemTime(Date.now() + 14 * 24 * 3600 * 1000);
    await introspect(testClient, refresh_token!, INACTIVE);
  });

  it('calls the refresh token of a user disabled since inactive', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const { refresh_token } = await signIn(testClient, user);
    await storesFor(env.DB).users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    await introspect(testClient, refresh_token!, INACTIVE);
  });
});

describe('POST /oauth/introspect: client authentication (RFC 7662 §2.1)', () => {
  it('refuses public clients, whose client_id proves nothing', async () => {
    const testClient = await createPublicCodeClient();
    const { refresh_token } = await signIn(testClient, (await createTestUser()).user);
    const response = await postAsClient(testClient, '/oauth/introspect', { token: refresh_token! });
    await expectOAuthError(
      response,
      401,
      'invalid_client',
      'introspection requires client authentication; public clients may not introspect',
    );
  });

  it('requires client authentication', async () => {
    await expectOAuthError(
      await postForm('/oauth/introspect', { token: 'anything' }),
      401,
      'invalid_client',
      'client authentication is required',
    );
  });
});
