// grant_type=authorization_code (RFC 6749 §4.1.3): the exact response, an RFC 9068 access token and an ID Token a
// relying party verifies (OIDC Core §3.1.3.7, at_hash), claims and refresh tokens by scope, RFC 8707 resources,
// single use with replay revoking (§4.1.2), 60 s expiry, redirect_uri match and PKCE (RFC 7636 §4.6).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { base64url, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  CODE_FLOW_TOKEN_RESPONSE,
  createCodeClient,
  createPublicCodeClient,
  exchangeCode,
  expectOAuthError,
  issueTestCode,
  refreshWith,
  REDIRECT_URI,
  codeForNewUser,
} from '../helpers/authorization';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { publishedKeys } from '../helpers/http';
import { createTestUser } from '../helpers/users';

/** at_hash as a relying party computes it (OIDC Core §3.1.3.8): left half of SHA-256, base64url. */
async function expectedAtHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
  return base64url.encode(digest.slice(0, 16));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /oauth/token grant_type=authorization_code', () => {
  it('issues an access token, a refresh token and an ID Token a relying party accepts', async () => {
    const testClient = await createCodeClient();
    const { client } = testClient;
    const { user } = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const authTime = Math.floor(Date.now() / 1000) - 30;
    const response = await exchangeCode(testClient, await issueTestCode(client, user, { authTime }));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = await response.json<Record<string, string>>();
    expect(body).toEqual(CODE_FLOW_TOKEN_RESPONSE);

    const keys = await publishedKeys();
    const access = await jwtVerify(body.access_token!, keys, {
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      typ: 'at+jwt',
    });
    expect(access.payload).toEqual({
      iss: TEST_ISSUER,
      sub: user.id,
      aud: TEST_AUDIENCE,
      client_id: client.id,
      scope: 'openid profile email offline_access read',
      auth_time: authTime,
      // RFC 9068 §2.2.1, and the grant this issuer's own endpoints check for revocation.
      acr: 'urn:portcullis:acr:password',
      amr: ['pwd'],
      grant_id: expect.any(String),
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: access.payload.iat! + 900,
    });

    // OIDC Core §3.1.3.7: RS256 unless the client registered another algorithm.
    expect(decodeProtectedHeader(body.id_token!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const id = await jwtVerify(body.id_token!, keys, {
      issuer: TEST_ISSUER,
      audience: client.id,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'iat', 'exp', 'auth_time', 'nonce', 'at_hash'],
    });
    expect(id.payload).toEqual({
      iss: TEST_ISSUER,
      sub: user.id,
      aud: client.id,
      azp: client.id,
      iat: access.payload.iat,
      exp: access.payload.iat! + 900,
      auth_time: authTime,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: await expectedAtHash(body.access_token!),
      // OIDC Core §5.4: with an access token issued, the profile and email claims are returned at userinfo.
      acr: 'urn:portcullis:acr:password',
      amr: ['pwd'],
    });
  });

  it('lets a public client redeem its code with the PKCE verifier and client_id alone', async () => {
    const testClient = await createPublicCodeClient();
    const response = await exchangeCode(testClient, await codeForNewUser(testClient));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(CODE_FLOW_TOKEN_RESPONSE);
  });

  it('signs the ID Token with the algorithm the client registered', async () => {
    const testClient = await createCodeClient({ metadata: { id_token_signed_response_alg: 'ES256' } });
    const body = await (await exchangeCode(testClient, await codeForNewUser(testClient))).json<
      Record<string, string>
    >();
    expect(decodeProtectedHeader(body.id_token!).alg).toBe('ES256');
    await jwtVerify(body.id_token!, await publishedKeys(), {
      issuer: TEST_ISSUER,
      audience: testClient.client.id,
      algorithms: ['ES256'],
    });
  });

  it('puts no scope claims in the ID Token: an access token is issued, so userinfo returns them (OIDC Core §5.4)', async () => {
    const testClient = await createCodeClient();
    const { user: withoutEmail } = await createTestUser({ email: null, emailVerified: false });
    const body = await (
      await exchangeCode(
        testClient,
        await issueTestCode(testClient.client, withoutEmail, { scopes: ['openid', 'email'], nonce: null }),
      )
    ).json<Record<string, string>>();
    const { payload } = await jwtVerify(body.id_token!, await publishedKeys(), {
      issuer: TEST_ISSUER,
      audience: testClient.client.id,
    });
    expect(Object.keys(payload).sort()).toEqual([
      'acr',
      'amr',
      'at_hash',
      'aud',
      'auth_time',
      'azp',
      'exp',
      'iat',
      'iss',
      'sub',
    ]);
  });

  it('issues a refresh token for offline_access only, when openid is requested (OIDC Core §11)', async () => {
    const testClient = await createCodeClient();
    const body = await (
      await exchangeCode(testClient, await codeForNewUser(testClient, { scopes: ['openid', 'read'] }))
    ).json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'openid read',
      id_token: expect.any(String),
    });
  });

  it('issues a refresh token but no ID Token to a plain OAuth request of a client with the refresh_token grant', async () => {
    const testClient = await createCodeClient();
    const body = await (
      await exchangeCode(testClient, await codeForNewUser(testClient, { scopes: ['read', 'write'] }))
    ).json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'read write',
      refresh_token: expect.any(String),
    });
  });

  it('issues no refresh token to a client without the refresh_token grant, even for offline_access', async () => {
    const testClient = await createCodeClient({ grantTypes: ['authorization_code'] });
    const body = await (await exchangeCode(testClient, await codeForNewUser(testClient))).json<
      Record<string, unknown>
    >();
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toEqual(expect.any(String));
  });

  it('scopes the access token to the resources the code was issued for (RFC 8707 §2.2)', async () => {
    const testClient = await createCodeClient();
    const body = await (
      await exchangeCode(testClient, await codeForNewUser(testClient, { resources: [TEST_AUDIENCE] }))
    ).json<Record<string, string>>();
    const { payload } = await jwtVerify(body.access_token!, await publishedKeys(), { issuer: TEST_ISSUER });
    expect(payload.aud).toBe(TEST_AUDIENCE);
  });

  it('refuses a resource the code was not issued for with invalid_target (RFC 8707 §2.2)', async () => {
    const testClient = await createCodeClient();
    const response = await exchangeCode(testClient, await codeForNewUser(testClient), {
      resource: TEST_AUDIENCE,
    });
    await expectOAuthError(response, 400, 'invalid_target', `the grant does not cover the resource: ${TEST_AUDIENCE}`);
  });

  it('redeems a code exactly once when two requests race', async () => {
    const testClient = await createCodeClient();
    const code = await codeForNewUser(testClient);
    const responses = await Promise.all([exchangeCode(testClient, code), exchangeCode(testClient, code)]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
  });
});

describe('authorization_code errors', () => {
  it('refuses a replayed code and revokes the refresh token issued from it (RFC 6749 §4.1.2)', async () => {
    const testClient = await createCodeClient();
    const code = await codeForNewUser(testClient);
    const first = await (await exchangeCode(testClient, code)).json<Record<string, string>>();

    await expectOAuthError(
      await exchangeCode(testClient, code),
      400,
      'invalid_grant',
      'the authorization code was already used; the tokens issued from it are revoked',
    );
    await expectOAuthError(
      await refreshWith(testClient, first.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
  });

  it('refuses an unknown code', async () => {
    const testClient = await createCodeClient();
    const response = await exchangeCode(testClient, { code: 'never-issued', verifier: 'x'.repeat(43) });
    await expectOAuthError(response, 400, 'invalid_grant', 'the authorization code is invalid');
  });

  it('refuses a code after its 60 seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const code = await codeForNewUser(testClient);
    vi.setSystemTime(Date.now() + 60_000);
    await expectOAuthError(
      await exchangeCode(testClient, code),
      400,
      'invalid_grant',
      'the authorization code has expired',
    );
  });

  it('accepts a code just before it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user);
    vi.setSystemTime(Date.now() + 59_000);
    expect((await exchangeCode(testClient, code)).status).toBe(200);
  });

  it('refuses a code issued to another client, which also spends it', async () => {
    const owner = await createCodeClient();
    const other = await createCodeClient();
    const code = await issueTestCode(owner.client, (await createTestUser()).user);
    await expectOAuthError(
      await exchangeCode(other, code),
      400,
      'invalid_grant',
      'the authorization code was issued to another client',
    );
    await expectOAuthError(
      await exchangeCode(owner, code),
      400,
      'invalid_grant',
      'the authorization code was already used; the tokens issued from it are revoked',
    );
  });

  it('refuses a redirect_uri that differs from the authorization request, even by a trailing slash (RFC 6749 §4.1.3)', async () => {
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user);
    const response = await exchangeCode(testClient, code, { redirect_uri: `${REDIRECT_URI}/` });
    await expectOAuthError(response, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
  });

  it('requires redirect_uri', async () => {
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user);
    await expectOAuthError(
      await exchangeCode(testClient, code, { redirect_uri: '' }),
      400,
      'invalid_request',
      'redirect_uri is required',
    );
  });

  it('requires the code_verifier when the code has a challenge (RFC 7636 §4.5)', async () => {
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user);
    const response = await exchangeCode(testClient, code, { code_verifier: '' });
    await expectOAuthError(
      response,
      400,
      'invalid_grant',
      'code_verifier is required: the authorization request had a code_challenge',
    );
  });

  it.each([
    ['a different verifier', 'a'.repeat(43)],
    ['the challenge itself, as plain would', null],
    ['a verifier shorter than 43 characters (RFC 7636 §4.1)', 'a'.repeat(42)],
    ['a verifier with characters outside the unreserved set', `${'a'.repeat(42)}+`],
  ])('refuses %s with invalid_grant (RFC 7636 §4.6)', async (_, verifier) => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const challengeAsVerifier = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    const code = await issueTestCode(
      testClient.client,
      user,
      verifier === null ? { codeChallenge: challengeAsVerifier } : {},
    );
    const response = await exchangeCode(testClient, code, { code_verifier: verifier ?? challengeAsVerifier });
    await expectOAuthError(response, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
  });

  it('refuses a code_verifier for a code issued without a challenge (PKCE downgrade, RFC 9700 §2.1.1)', async () => {
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user, { codeChallenge: null });
    const response = await exchangeCode(testClient, code);
    await expectOAuthError(
      response,
      400,
      'invalid_grant',
      'code_verifier was sent but the authorization request had no code_challenge',
    );
  });

  it('lets a confidential client redeem a code issued without PKCE', async () => {
    const testClient = await createCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user, { codeChallenge: null });
    expect((await exchangeCode(testClient, code, { code_verifier: '' })).status).toBe(200);
  });

  it('refuses a code issued to a public client without PKCE', async () => {
    const testClient = await createPublicCodeClient();
    const code = await issueTestCode(testClient.client, (await createTestUser()).user, { codeChallenge: null });
    await expectOAuthError(
      await exchangeCode(testClient, code, { code_verifier: '' }),
      400,
      'invalid_grant',
      'a public client must use PKCE',
    );
  });

  it('refuses a code of a user disabled since', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser({ disabled: true });
    const response = await exchangeCode(testClient, await issueTestCode(testClient.client, user));
    await expectOAuthError(response, 400, 'invalid_grant', 'the user of this grant no longer exists or is disabled');
  });

  it('refuses a client not registered for the grant with unauthorized_client', async () => {
    const testClient = await createCodeClient({ grantTypes: ['client_credentials'] });
    const code = await issueTestCode(testClient.client, (await createTestUser()).user);
    const response = await exchangeCode(testClient, code);
    await expectOAuthError(
      response,
      400,
      'unauthorized_client',
      'this client may not use the authorization_code grant',
    );
  });
});
