// grant_type=password (RFC 6749 §4.3), only for confidential clients that enable it: tokens and an ID Token as in the
// code flow (refresh only with offline_access, OIDC Core §11), one invalid_grant for every credential failure, the
// login page's throttle, and registration refusing it for public clients.
import { env } from 'cloudflare:test';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import {
  expectOAuthError,
  OIDC_CLIENT_SCOPES,
  postAsClient,
  refreshWith,
  type TokenSet,
} from '../helpers/authorization';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { publishedKeys, send } from '../helpers/http';
import { register } from '../helpers/registration';
import { createTestUser } from '../helpers/users';

const WRONG_CREDENTIALS = 'the username or password is wrong';

function createPasswordClient(grantTypes = ['password', 'refresh_token']): Promise<TestClient> {
  return createTestClient({ grantTypes, scopes: OIDC_CLIENT_SCOPES });
}

function passwordRequest(
  testClient: TestClient,
  username: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return postAsClient(testClient, '/oauth/token', { grant_type: 'password', username, password, ...extra });
}

describe('POST /oauth/token grant_type=password (RFC 6749 §4.3)', () => {
  it('issues a verifiable access token and a refresh token to a client that enables the grant', async () => {
    const testClient = await createPasswordClient();
    const { user, password } = await createTestUser();
    const response = await passwordRequest(testClient, user.username.toUpperCase(), password, { scope: 'read write' });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json<TokenSet>();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read write',
      refresh_token: expect.any(String),
    });
    const keys = await publishedKeys();
    const { payload } = await jwtVerify(body.access_token, keys, {
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({
      sub: user.id,
      client_id: testClient.client.id,
      scope: 'read write',
      auth_time: payload.iat,
    });

    // The refresh token starts a rotating family like any other.
    const refreshed = await refreshWith(testClient, body.refresh_token!);
    expect(refreshed.status).toBe(200);
  });

  it('issues an ID Token for openid, and a refresh token only with offline_access (OIDC Core §11)', async () => {
    const testClient = await createPasswordClient();
    const { user, password } = await createTestUser();
    const online = await (
      await passwordRequest(testClient, user.username, password, { scope: 'openid profile' })
    ).json<TokenSet>();
    expect(Object.keys(online).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    const offline = await (
      await passwordRequest(testClient, user.username, password, { scope: 'openid offline_access' })
    ).json<TokenSet>();
    expect(offline.refresh_token).toEqual(expect.any(String));
  });

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const testClient = await createPasswordClient(['password']);
    const { user, password } = await createTestUser();
    const body = await (await passwordRequest(testClient, user.username, password)).json<TokenSet>();
    // Without a scope parameter the client's API scopes are granted, never the OpenID ones.
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read write',
    });
  });

  it('answers unauthorized_client to a client that does not enable the grant', async () => {
    const testClient = await createTestClient({ grantTypes: ['client_credentials'] });
    const { user, password } = await createTestUser();
    await expectOAuthError(
      await passwordRequest(testClient, user.username, password),
      400,
      'unauthorized_client',
      'this client may not use the password grant',
    );
  });

  it('answers unauthorized_client to a public client, even one registered with the grant', async () => {
    const testClient = await createTestClient({
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['password'],
    });
    const { user, password } = await createTestUser();
    await expectOAuthError(
      await passwordRequest(testClient, user.username, password),
      400,
      'unauthorized_client',
      'this client may not use the password grant',
    );
  });

  it('answers invalid_grant alike to a wrong password, an unknown user and a disabled user', async () => {
    const testClient = await createPasswordClient();
    const { user, password } = await createTestUser();
    const disabled = await createTestUser({ disabled: true });
    await expectOAuthError(
      await passwordRequest(testClient, user.username, 'not the password'),
      400,
      'invalid_grant',
      WRONG_CREDENTIALS,
    );
    await expectOAuthError(
      await passwordRequest(testClient, 'nobody_here', password),
      400,
      'invalid_grant',
      WRONG_CREDENTIALS,
    );
    await expectOAuthError(
      await passwordRequest(testClient, disabled.user.username, disabled.password),
      400,
      'invalid_grant',
      WRONG_CREDENTIALS,
    );
  });

  it('shares the login throttle: five failures lock the account here and on the login page', async () => {
    const testClient = await createPasswordClient();
    const { user, password } = await createTestUser();
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expectOAuthError(
        await passwordRequest(testClient, user.username, `wrong ${attempt}`),
        400,
        'invalid_grant',
        WRONG_CREDENTIALS,
      );
    }
    const locking = await passwordRequest(testClient, user.username, 'wrong 5');
    expect(locking.headers.get('retry-after')).toBe('900');
    await expectOAuthError(locking, 400, 'invalid_grant', 'too many failed sign-in attempts; try again in 15 minutes');
    // Locked: even the right password is refused, without being checked.
    await expectOAuthError(
      await passwordRequest(testClient, user.username, password),
      400,
      'invalid_grant',
      'too many failed sign-in attempts; try again in 15 minutes',
    );
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(429);
    expect(
      await storesFor(env.DB).loginThrottles.lockedUntil([`user:${user.username}`], Math.floor(Date.now() / 1000)),
    ).toEqual(expect.any(Number));
  });

  it('checks at most 5 of 50 concurrent guesses and refuses the right password inside the burst', async () => {
    const testClient = await createPasswordClient();
    const { user, password } = await createTestUser();
    const rightAt = 10 + Math.floor(Math.random() * 40);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        passwordRequest(testClient, user.username, index === rightAt ? password : `wrong ${index}`),
      ),
    );

    const descriptions = await Promise.all(
      responses.map(async (response) => (await response.json<{ error_description?: string }>()).error_description),
    );
    expect(descriptions.filter((description) => description === WRONG_CREDENTIALS).length).toBeLessThanOrEqual(4);
    expect(responses[rightAt]!.status).toBe(400);
    expect(descriptions[rightAt]).toBe('too many failed sign-in attempts; try again in 15 minutes');
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(429);
  });

  it('requires username and password', async () => {
    const testClient = await createPasswordClient();
    await expectOAuthError(
      await postAsClient(testClient, '/oauth/token', { grant_type: 'password', password: 'x' }),
      400,
      'invalid_request',
      'username is required',
    );
    await expectOAuthError(
      await postAsClient(testClient, '/oauth/token', { grant_type: 'password', username: 'x' }),
      400,
      'invalid_request',
      'password is required',
    );
  });

  it('answers invalid_scope to a scope the client may not request, before checking the password', async () => {
    const testClient = await createTestClient({ grantTypes: ['password'], scopes: ['read'] });
    const { user } = await createTestUser();
    await expectOAuthError(
      await passwordRequest(testClient, user.username, 'wrong', { scope: 'read write' }),
      400,
      'invalid_scope',
      'the client may not request: write',
    );
  });

  it('is listed in grant_types_supported so clients can discover it', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<{
      grant_types_supported: string[];
    }>();
    expect(metadata.grant_types_supported).toContain('password');
  });

  it('cannot be registered for a public client', async () => {
    const { response, body } = await register({ token_endpoint_auth_method: 'none', grant_types: ['password'] });
    expect(response.status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_client_metadata',
      error_description:
        'grant_types may include password only for confidential clients (token_endpoint_auth_method none is a public client)',
    });
  });
});
