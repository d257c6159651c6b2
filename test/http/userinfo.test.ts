// GET and POST /oauth/userinfo (OIDC Core §5.3): claims released by granted scope (§5.4), and RFC 6750 §3.1 answers
// for a missing, tampered or expired token, one without openid, a client_credentials token, a disabled user and a
// token for another resource (RFC 8707).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { storesFor } from '../../src/storage/stores';
import { createTestApp } from '../helpers/app';
import { createCodeClient, issueTestCode, REDIRECT_URI, signIn, type TokenSet } from '../helpers/authorization';
import { basicAuthorization, send } from '../helpers/http';
import { TEST_ISSUER } from '../helpers/constants';
import { createTestUser } from '../helpers/users';

const REALM = `realm="${TEST_ISSUER}/oauth/userinfo"`;
/** RFC 9449 §7.1: userinfo also accepts DPoP, so every challenge names it with its algorithms. */
const DPOP_CHALLENGE = `DPoP ${REALM}, algs="ES256 EdDSA Ed25519 RS256 PS256"`;

function userinfo(accessToken: string | undefined, method: 'GET' | 'POST' = 'GET'): Promise<Response> {
  return send('/oauth/userinfo', {
    method,
    headers: accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` },
  });
}

async function expectBearerError(response: Response, status: number, challenge: string, body: Record<string, string>) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  expect(await response.json()).toEqual(body);
}

/** RFC 6750 §3.1: 401 invalid_token, with the same description in the challenge and the body. */
function expectInvalidToken(response: Response, description: string) {
  return expectBearerError(
    response,
    401,
    `Bearer ${REALM}, error="invalid_token", error_description="${description}", ${DPOP_CHALLENGE}`,
    {
      error: 'invalid_token',
      error_description: description,
    },
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('GET/POST /oauth/userinfo (OIDC Core §5.3)', () => {
  it.each(['GET', 'POST'] as const)('answers %s with the subject and the profile and email claims', async (method) => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser({ email: 'grace@example.com', emailVerified: false });
    const { access_token } = await signIn(testClient, user);
    const response = await userinfo(access_token, method);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      sub: user.id,
      preferred_username: user.username,
      email: 'grace@example.com',
      email_verified: false,
    });
  });

  it.each([
    ['openid', (user: { id: string }) => ({ sub: user.id })],
    [
      'openid profile',
      (user: { id: string; username: string }) => ({ sub: user.id, preferred_username: user.username }),
    ],
    ['openid email', (user: { id: string }) => ({ sub: user.id, email: 'ada@example.com', email_verified: true })],
  ])('releases only the claims of the scopes granted: %s (OIDC Core §5.4)', async (scope, expected) => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const { access_token } = await signIn(testClient, user, { scopes: scope.split(' ') });
    expect(await (await userinfo(access_token)).json()).toEqual(expected(user));
  });

  it('challenges a request without a token, with no error code (RFC 6750 §3.1)', async () => {
    await expectBearerError(await userinfo(undefined), 401, `Bearer ${REALM}, ${DPOP_CHALLENGE}`, {
      error_description: 'an access token is required',
    });
  });

  it('refuses a token issued without openid with 403 insufficient_scope (RFC 6750 §3.1)', async () => {
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user, { scopes: ['read'] });
    const description = 'the access token lacks the scope this request requires: openid';
    await expectBearerError(
      await userinfo(access_token),
      403,
      `Bearer ${REALM}, error="insufficient_scope", error_description="${description}", scope="openid", ${DPOP_CHALLENGE}`,
      { error: 'insufficient_scope', error_description: description },
    );
  });

  it('refuses a tampered token with 401 invalid_token', async () => {
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    const [header, payload] = access_token.split('.');
    await expectInvalidToken(
      await userinfo(`${header}.${payload}.${'A'.repeat(86)}`),
      'the access token signature is invalid',
    );
  });

  it('refuses an expired token with 401 invalid_token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const { access_token } = await signIn(testClient, (await createTestUser()).user);
    vi.setSystemTime(Date.now() + 901_000);
    await expectInvalidToken(await userinfo(access_token), 'the access token has expired');
  });

  it('refuses the token of a user disabled since with 401 invalid_token', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const { access_token } = await signIn(testClient, user);
    await storesFor(env.DB).users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    await expectInvalidToken(
      await userinfo(access_token),
      'the user of this access token no longer exists or is disabled',
    );
  });

  it('refuses a client_credentials token, which has no user', async () => {
    const { client, secret } = await createCodeClient({
      grantTypes: ['client_credentials'],
      scopes: ['openid', 'read'],
    });
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' });
    const tokenResponse = await send('/oauth/token', {
      method: 'POST',
      headers: {
        Authorization: basicAuthorization(client.id, secret),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token } = await tokenResponse.json<TokenSet>();
    await expectInvalidToken(
      await userinfo(access_token),
      'the user of this access token no longer exists or is disabled',
    );
  });

  it('accepts tokens for its own URL and refuses tokens for another resource (RFC 8707 audience)', async () => {
    const userinfoUrl = `${TEST_ISSUER}/oauth/userinfo`;
    const otherApi = 'https://other.example/api';
    const testApp = createTestApp({ RESOURCES: `${userinfoUrl} ${otherApi}` });
    const testClient = await createCodeClient();
    const { user } = await createTestUser();

    const accessTokenFor = async (resource: string) => {
      const code = await issueTestCode(testClient.client, user, { resources: [resource] });
      const response = await testApp.request('/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(testClient.client.id, testClient.secret),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code.code,
          redirect_uri: REDIRECT_URI,
          code_verifier: code.verifier,
        }),
      });
      return (await response.json<TokenSet>()).access_token;
    };
    const get = async (token: string) =>
      testApp.request('/oauth/userinfo', { headers: { Authorization: `Bearer ${token}` } });

    expect((await get(await accessTokenFor(userinfoUrl))).status).toBe(200);
    const refused = await get(await accessTokenFor(otherApi));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer ${REALM}, error="invalid_token", error_description="the access token is not meant for this resource", ${DPOP_CHALLENGE}`,
    );
  });
});
