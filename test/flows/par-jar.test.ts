// Pushed authorization requests (RFC 9126) and request objects (RFC 9101) through /oauth/authorize: a pushed request
// is used for its client only, once, within its lifetime, and replaces every other parameter (§4); a client that must
// push is refused without; a request object is verified with the client's keys and only its claims count (§6.3).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_URI_PREFIX } from '../../src/oauth/pushed-authorization';
import type { Client } from '../../src/storage/types';
import {
  createCodeClient,
  exchangeCode,
  expectOAuthError,
  postAsClient,
  REDIRECT_URI,
  type TokenSet,
} from '../helpers/authorization';
import {
  codeRequest,
  redirectParams,
  signedInBrowser,
  submitConsent,
  withQuery,
  type QueryValues,
} from '../helpers/authorize';
import { loginAs, type TestBrowser } from '../helpers/browser';
import { createTestApp } from '../helpers/app';
import type { TestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { signingKeyPair, type SigningKeyPair } from '../fixtures/jwt-client';
import { SignJWT } from 'jose';

/** Sent back to the client's one registered redirect URI, which the request may leave out (RFC 6749 §3.1.2.3). */
const UNUSABLE_REQUEST_URI = {
  error: 'invalid_request_uri',
  error_description: 'the request_uri is unknown, expired or already used, or is for another client',
};

afterEach(() => {
  vi.useRealTimers();
});

/** A code-flow client with a registered signing key (for request objects). */
async function createKeyedClient(metadata: Record<string, unknown> = {}, overrides: Partial<Client> = {}) {
  const key = await signingKeyPair('ES256');
  const testClient = await createCodeClient({
    metadata: { jwks: { keys: [key.publicJwk] }, ...metadata },
    ...overrides,
  });
  return { testClient, key };
}

async function push(testClient: TestClient, form: QueryValues): Promise<Response> {
  const defined = Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return postAsClient(testClient, '/oauth/par', Object.fromEntries(defined));
}

async function pushCodeRequest(testClient: TestClient, overrides: Record<string, string> = {}) {
  const { params, verifier } = await codeRequest(testClient.client, { scope: 'openid read', ...overrides });
  const response = await push(testClient, params);
  expect(response.status).toBe(201);
  const body = await response.json<{ request_uri: string; expires_in: number }>();
  return { ...body, verifier };
}

/** Allows on the consent page and returns the parameters the client gets back. */
async function consentAndReturn(browser: TestBrowser, path: string): Promise<Record<string, string>> {
  const page = await browser.get(path);
  expect(page.status, browser.html).toBe(200);
  return redirectParams(await submitConsent(browser, 'allow'));
}

function signRequestObject(
  testClient: TestClient,
  key: SigningKeyPair,
  claims: Record<string, unknown>,
  aud = TEST_ISSUER,
) {
  return new SignJWT({ client_id: testClient.client.id, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid })
    .setIssuer(testClient.client.id)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

describe('POST /oauth/par (RFC 9126 §2)', () => {
  it('answers 201 with a request_uri and expires_in of 60 s, no-store', async () => {
    const testClient = await createCodeClient();
    const { params } = await codeRequest(testClient.client);
    const response = await push(testClient, params);
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      request_uri: expect.stringMatching(new RegExp(`^${REQUEST_URI_PREFIX}[A-Za-z0-9_-]{43}$`)),
      expires_in: 60,
    });
  });

  it('validates the request as the authorization endpoint does', async () => {
    const testClient = await createCodeClient({ type: 'public', secretHash: null, tokenEndpointAuthMethod: 'none' });
    const { params } = await codeRequest(testClient.client, {
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    await expectOAuthError(
      await push(testClient, params),
      400,
      'invalid_request',
      'code_challenge is required: public clients must use PKCE with S256',
    );
    const elsewhere = await codeRequest(testClient.client, { redirect_uri: 'https://evil.example/cb' });
    expect((await push(testClient, elsewhere.params)).status).toBe(400);
  });

  it('refuses a request_uri parameter (§2.1) and an unauthenticated client', async () => {
    const testClient = await createCodeClient();
    const { params } = await codeRequest(testClient.client);
    await expectOAuthError(
      await push(testClient, { ...params, request_uri: `${REQUEST_URI_PREFIX}x` }),
      400,
      'invalid_request',
      'request_uri must not be sent to the pushed authorization request endpoint',
    );
    expect((await push({ ...testClient, secret: 'wrong' }, params)).status).toBe(401);
  });
});

describe('/oauth/authorize with a pushed request (RFC 9126 §4)', () => {
  it('runs the code flow from the request_uri alone, ignoring every other parameter', async () => {
    const testClient = await createCodeClient();
    const { browser } = await signedInBrowser();
    const { request_uri, verifier } = await pushCodeRequest(testClient, { state: 'pushed-state' });
    const path = withQuery('/oauth/authorize', {
      client_id: testClient.client.id,
      request_uri,
      scope: 'openid write',
      state: 'outer-state',
      redirect_uri: 'https://evil.example/cb',
    });
    const returned = await consentAndReturn(browser, path);
    expect(returned).toEqual({ code: expect.any(String), state: 'pushed-state', iss: TEST_ISSUER });
    const response = await exchangeCode(testClient, { code: returned.code!, verifier });
    expect(response.status).toBe(200);
    expect((await response.json<TokenSet>()).scope).toBe('openid read');
  });

  it('survives the sign-in: the login page returns to the request_uri, and prompt=login is then satisfied', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const { browser, user, password } = await signedInBrowser();
    const { request_uri } = await pushCodeRequest(testClient, { prompt: 'login' });
    const path = withQuery('/oauth/authorize', { client_id: testClient.client.id, request_uri });
    vi.setSystemTime(Date.now() + 5_000);
    const response = await browser.get(path);
    expect(response.status, browser.html).toBe(302);
    const location = new URL(response.headers.get('location')!, TEST_ISSUER);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('return_to')).toBe(path);
    // Signing in again returns to the request_uri, now answered with the consent page instead of another sign-in.
    vi.setSystemTime(Date.now() + 5_000);
    expect((await loginAs(browser, user.username, password, path)).headers.get('location')).toBe(path);
    expect((await browser.get(path)).status).toBe(200);
    expect(redirectParams(await submitConsent(browser, 'allow')).code).toEqual(expect.any(String));
  });

  it('refuses a request_uri a second time once its code was issued', async () => {
    const testClient = await createCodeClient();
    const { browser } = await signedInBrowser();
    const { request_uri } = await pushCodeRequest(testClient);
    const path = withQuery('/oauth/authorize', { client_id: testClient.client.id, request_uri });
    await consentAndReturn(browser, path);
    expect(redirectParams(await browser.get(path))).toMatchObject(UNUSABLE_REQUEST_URI);
  });

  it('refuses an expired request_uri (after 60 s)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createCodeClient();
    const { browser } = await signedInBrowser();
    const { request_uri } = await pushCodeRequest(testClient);
    vi.setSystemTime(Date.now() + 61_000);
    expect(
      redirectParams(
        await browser.get(withQuery('/oauth/authorize', { client_id: testClient.client.id, request_uri })),
      ),
    ).toMatchObject(UNUSABLE_REQUEST_URI);
  });

  it("refuses another client's request_uri", async () => {
    const owner = await createCodeClient();
    const other = await createCodeClient();
    const { browser } = await signedInBrowser();
    const { request_uri } = await pushCodeRequest(owner);
    const path = withQuery('/oauth/authorize', { client_id: other.client.id, request_uri });
    expect(redirectParams(await browser.get(path))).toMatchObject(UNUSABLE_REQUEST_URI);
  });

  it('refuses a plain request from a client that must push (require_pushed_authorization_requests, §6)', async () => {
    const testClient = await createCodeClient({ metadata: { require_pushed_authorization_requests: true } });
    const { browser } = await signedInBrowser();
    const { path } = await codeRequest(testClient.client);
    const params = redirectParams(await browser.get(path));
    expect(params).toMatchObject({
      error: 'invalid_request',
      error_description:
        'This application must send its authorization request through the pushed authorization request endpoint.',
    });
    const { request_uri } = await pushCodeRequest(testClient);
    const returned = await consentAndReturn(
      browser,
      withQuery('/oauth/authorize', { client_id: testClient.client.id, request_uri }),
    );
    expect(returned.code).toEqual(expect.any(String));
  });
});

describe('REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=true (RFC 9126 §5)', () => {
  it('advertises the requirement and refuses every plain authorization request', async () => {
    const { request } = createTestApp({ REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: 'true' });
    const metadata = await (await request('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    expect(metadata).toMatchObject({
      pushed_authorization_request_endpoint: `${TEST_ISSUER}/oauth/par`,
      require_pushed_authorization_requests: true,
    });
    const testClient = await createCodeClient();
    const { path } = await codeRequest(testClient.client);
    expect(redirectParams(await request(path))).toMatchObject({
      error: 'invalid_request',
      error_description:
        'This application must send its authorization request through the pushed authorization request endpoint.',
    });
  });
});

describe('request objects (RFC 9101)', () => {
  async function objectClaims(testClient: TestClient, overrides: Record<string, unknown> = {}) {
    const { params, verifier } = await codeRequest(testClient.client, { scope: 'openid read', state: 'signed-state' });
    const { client_id: _, ...claims } = params;
    return { claims: { ...claims, ...overrides }, verifier };
  }

  it('uses only the claims of a signed request object (§6.3)', async () => {
    const { testClient, key } = await createKeyedClient();
    const { browser } = await signedInBrowser();
    const { claims, verifier } = await objectClaims(testClient);
    const request = await signRequestObject(testClient, key, claims);
    const path = withQuery('/oauth/authorize', {
      client_id: testClient.client.id,
      request,
      scope: 'openid write',
      state: 'outer',
      redirect_uri: REDIRECT_URI,
    });
    const returned = await consentAndReturn(browser, path);
    expect(returned.state).toBe('signed-state');
    const response = await exchangeCode(testClient, { code: returned.code!, verifier });
    expect((await response.json<TokenSet>()).scope).toBe('openid read');
  });

  it.each([
    [
      'signed by a key the client did not register',
      async (testClient: TestClient, claims: Record<string, unknown>) =>
        signRequestObject(testClient, await signingKeyPair('ES256'), claims),
    ],
    [
      'for another audience',
      async (testClient: TestClient, claims: Record<string, unknown>, key: SigningKeyPair) =>
        signRequestObject(testClient, key, claims, 'https://other.example'),
    ],
  ])('refuses a request object %s (invalid_request_object)', async (_, sign) => {
    const { testClient, key } = await createKeyedClient();
    const { browser } = await signedInBrowser();
    const { claims } = await objectClaims(testClient);
    const request = await sign(testClient, claims, key);
    const params = redirectParams(
      await browser.get(
        withQuery('/oauth/authorize', { client_id: testClient.client.id, request, redirect_uri: REDIRECT_URI }),
      ),
    );
    expect(params).toMatchObject({
      error: 'invalid_request_object',
      error_description: 'the request object is not signed by a key of this client for this server',
    });
  });

  it('refuses an unsigned request object', async () => {
    const { testClient } = await createKeyedClient();
    const { browser } = await signedInBrowser();
    const { claims } = await objectClaims(testClient);
    const unsigned = `eyJhbGciOiJub25lIn0.${btoa(
      JSON.stringify({ ...claims, iss: testClient.client.id, aud: TEST_ISSUER }),
    )
      .replace(/=+$/, '')
      .replaceAll('+', '-')
      .replaceAll('/', '_')}.`;
    const response = await browser.get(
      withQuery('/oauth/authorize', { client_id: testClient.client.id, request: unsigned, redirect_uri: REDIRECT_URI }),
    );
    expect(redirectParams(response)).toMatchObject({
      error: 'invalid_request_object',
      error_description: 'the request object must be signed',
    });
  });

  it('refuses a plain request from a client that registered require_signed_request_object', async () => {
    const { testClient } = await createKeyedClient({ require_signed_request_object: true });
    const { browser } = await signedInBrowser();
    const { path } = await codeRequest(testClient.client);
    expect(redirectParams(await browser.get(path))).toMatchObject({
      error: 'invalid_request',
      error_description: 'this client must send its authorization request as a signed request object',
    });
  });

  it('accepts a request object pushed to /oauth/par (RFC 9126 §3)', async () => {
    const { testClient, key } = await createKeyedClient({ require_signed_request_object: true });
    const { browser } = await signedInBrowser();
    const { claims } = await objectClaims(testClient);
    const response = await push(testClient, {
      client_id: testClient.client.id,
      request: await signRequestObject(testClient, key, claims),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const { request_uri } = await response.json<{ request_uri: string }>();
    const returned = await consentAndReturn(
      browser,
      withQuery('/oauth/authorize', { client_id: testClient.client.id, request_uri }),
    );
    expect(returned.state).toBe('signed-state');
  });
});
