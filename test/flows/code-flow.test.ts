// The authorization code flow end to end, as a browser and a relying party see it: an unauthenticated browser signs
// in, consents and brings a code back; the client redeems it with PKCE, checks the ID Token as OIDC Core §3.1.3.7
// says, calls userinfo, refreshes, revokes and introspects; every access token is checked with @portcullis/verify.
import { base64url, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '@portcullis/verify';
import {
  createCodeClient,
  createPublicCodeClient,
  expectOAuthError,
  postAsClient,
  REDIRECT_URI,
  refreshWith,
  type TokenSet,
} from '../helpers/authorization';
import { codeRequest, hiddenField, redirectParams, submitConsent } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_AUDIENCE, TEST_ISSUER } from '../helpers/constants';
import { publishedKeys, send } from '../helpers/http';
import { createTestUser, type TestUser } from '../helpers/users';

/** The resource server's verifier, fetching the published JWKS like any deployment of @portcullis/verify. */
const verifyAccessToken: Verifier = createVerifier({
  issuer: TEST_ISSUER,
  audience: TEST_AUDIENCE,
  jwksUri: `${TEST_ISSUER}/.well-known/jwks.json`,
  jwksFetcher: (url) => send(String(url)),
  tokenCacheMaxAgeSeconds: 0,
});

interface BrowserResult {
  code: string;
  verifier: string;
  nonce: string;
  signedInAt: number;
}

/** A signed-out browser asks to authorize, is sent to sign in, comes back, allows, and lands on the client. */
async function authorizeInBrowser(
  client: TestClient,
  { user, password }: TestUser,
  scope: string,
): Promise<BrowserResult> {
  const browser = new TestBrowser();
  const request = await codeRequest(client.client, { scope, state: 'flow-state' });
  const toLogin = await browser.get(request.path, { follow: true });
  expect(toLogin.status).toBe(200);
  expect(browser.html).toContain('<form method="post" action="/login">');
  const returnTo = hiddenField(browser, 'return_to');
  const signedInAt = Math.floor(Date.now() / 1000);
  const consent = await browser.follow(await loginAs(browser, user.username, password, returnTo));
  expect(consent.status).toBe(200);
  const landing = await submitConsent(browser, 'allow');
  const params = redirectParams(landing);
  // RFC 9207 §2.4: the client compares iss with the issuer it sent the request to, and state with its own.
  expect(params).toEqual({ code: expect.any(String), state: 'flow-state', iss: TEST_ISSUER });
  return { code: params.code!, verifier: request.verifier, nonce: request.params.nonce as string, signedInAt };
}

/** The ID Token checks of OIDC Core §3.1.3.7 and §3.1.3.8 (at_hash), as a relying party makes them. */
async function expectValidIdToken(
  idToken: string,
  accessToken: string,
  client: TestClient,
  expected: { sub: string; nonce: string | undefined; authTime: number },
) {
  const { payload, protectedHeader } = await jwtVerify(idToken, await publishedKeys(), {
    issuer: TEST_ISSUER,
    audience: client.client.id,
    algorithms: ['RS256'],
  });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload.sub).toBe(expected.sub);
  expect(payload.azp).toBe(client.client.id);
  expect(payload.nonce).toBe(expected.nonce);
  expect(payload.auth_time).toBeGreaterThanOrEqual(expected.authTime);
  expect(payload.auth_time).toBeLessThanOrEqual(expected.authTime + 5);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
  expect(payload.at_hash).toBe(base64url.encode(digest.slice(0, 16)));
}

function redeem(client: TestClient, { code, verifier }: BrowserResult): Promise<Response> {
  return postAsClient(client, '/oauth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
}

function introspect(asClient: TestClient, token: string): Promise<Record<string, unknown>> {
  return postAsClient(asClient, '/oauth/introspect', { token }).then((response) =>
    response.json<Record<string, unknown>>(),
  );
}

describe('the authorization code flow from a signed-out browser', () => {
  it('takes a confidential client from login to a revoked refresh token, every token checked as a relying party would', async () => {
    const client = await createCodeClient();
    const person = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const result = await authorizeInBrowser(client, person, 'openid profile email offline_access read');

    const tokenResponse = await redeem(client, result);
    expect(tokenResponse.status).toBe(200);
    const tokens = await tokenResponse.json<TokenSet>();
    expect(tokens.scope).toBe('openid profile email offline_access read');
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({
      iss: TEST_ISSUER,
      sub: person.user.id,
      aud: TEST_AUDIENCE,
      client_id: client.client.id,
      scope: tokens.scope,
    });
    await expectValidIdToken(tokens.id_token!, tokens.access_token, client, {
      sub: person.user.id,
      nonce: result.nonce,
      authTime: result.signedInAt,
    });

    const userinfo = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(await userinfo.json()).toEqual({
      sub: person.user.id,
      preferred_username: person.user.username,
      email: 'ada@example.com',
      email_verified: true,
    });

    // Refresh narrowed to one scope: a new access token and a rotated refresh token; no nonce on refresh (§12.2).
    const refreshed = await (
      await refreshWith(client, tokens.refresh_token!, { scope: 'openid read' })
    ).json<TokenSet>();
    expect(refreshed.scope).toBe('openid read');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await verifyAccessToken(refreshed.access_token)).toMatchObject({
      sub: person.user.id,
      scope: 'openid read',
    });
    await expectValidIdToken(refreshed.id_token!, refreshed.access_token, client, {
      sub: person.user.id,
      nonce: undefined,
      authTime: result.signedInAt,
    });

    expect(await introspect(client, refreshed.refresh_token!)).toMatchObject({
      active: true,
      client_id: client.client.id,
      sub: person.user.id,
    });
    expect(await introspect(client, refreshed.access_token)).toMatchObject({
      active: true,
      scope: 'openid read',
      username: person.user.username,
    });
    const revoked = await postAsClient(client, '/oauth/revoke', { token: refreshed.refresh_token! });
    expect(revoked.status).toBe(200);
    expect(await introspect(client, refreshed.refresh_token!)).toEqual({ active: false });
    await expectOAuthError(
      await refreshWith(client, refreshed.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
  });

  it('serves a public client with PKCE alone, and a resource server introspects its tokens', async () => {
    const client = await createPublicCodeClient();
    const resourceServer = await createTestClient();
    const person = await createTestUser();
    const result = await authorizeInBrowser(client, person, 'openid offline_access read write');

    const tokens = await (await redeem(client, result)).json<TokenSet>();
    expect(await verifyAccessToken(tokens.access_token)).toMatchObject({
      sub: person.user.id,
      client_id: client.client.id,
      scope: 'openid offline_access read write',
    });
    await expectValidIdToken(tokens.id_token!, tokens.access_token, client, {
      sub: person.user.id,
      nonce: result.nonce,
      authTime: result.signedInAt,
    });
    expect(await introspect(resourceServer, tokens.access_token)).toMatchObject({
      active: true,
      client_id: client.client.id,
      sub: person.user.id,
    });

    const refreshed = await (await refreshWith(client, tokens.refresh_token!)).json<TokenSet>();
    expect(await verifyAccessToken(refreshed.access_token)).toMatchObject({ sub: person.user.id });
    expect((await postAsClient(client, '/oauth/revoke', { token: refreshed.refresh_token! })).status).toBe(200);
    await expectOAuthError(
      await refreshWith(client, refreshed.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
  });

  it('refuses the code without the PKCE verifier, or with another one (RFC 7636 §4.6)', async () => {
    const client = await createPublicCodeClient();
    const result = await authorizeInBrowser(client, await createTestUser(), 'openid');
    const response = await postAsClient(client, '/oauth/token', {
      grant_type: 'authorization_code',
      code: result.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: 'x'.repeat(43),
    });
    await expectOAuthError(response, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
  });

  it('revokes the refresh token issued from a code that is replayed (RFC 6749 §4.1.2)', async () => {
    const client = await createPublicCodeClient();
    const result = await authorizeInBrowser(client, await createTestUser(), 'openid offline_access');
    const tokens = await (await redeem(client, result)).json<TokenSet>();

    await expectOAuthError(
      await redeem(client, result),
      400,
      'invalid_grant',
      'the authorization code was already used; the tokens issued from it are revoked',
    );
    await expectOAuthError(
      await refreshWith(client, tokens.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
    // The access token is a self-contained JWT: it stays valid until it expires (README, access-token revocation).
    expect(decodeJwt(tokens.access_token).exp).toBeGreaterThan(Date.now() / 1000);
  });
});
