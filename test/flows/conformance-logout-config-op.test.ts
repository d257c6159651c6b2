// The OpenID Foundation's Config OP and RP-Initiated Logout OP test plans (conformance-suite OIDCCConfigTestPlan,
// OIDCCRpInitiatedLogoutTestPlan), one test per module, driven as each module drives an OP: discovery checks, then
// for logout a happy flow through the real pages followed by the end-session request the module sends.
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../helpers/browser';
import {
  registerSuiteClient,
  SUITE_POST_LOGOUT_REDIRECT_URI,
  suiteCallback,
  suiteHappyFlow,
  suiteRequest,
  type SuiteClient,
} from '../helpers/conformance';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';
import { createTestUser } from '../helpers/users';
import { withQuery, type QueryValues } from '../helpers/authorize';

async function discovery(): Promise<Record<string, unknown>> {
  const response = await send('/.well-known/openid-configuration');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json<Record<string, unknown>>();
}

/** AbstractOIDCCRpInitiatedLogout: register with a post_logout_redirect_uri, sign in, keep the ID Token. */
async function signedInForLogout() {
  const client = await registerSuiteClient({ post_logout_redirect_uris: [SUITE_POST_LOGOUT_REDIRECT_URI] });
  const flow = await suiteHappyFlow(client, await createTestUser());
  return { client, browser: flow.browser, idToken: flow.tokens.id_token };
}

/** CreateEndSessionEndpointRequest: id_token_hint, post_logout_redirect_uri and a 128-character state. */
function endSessionRequest(idToken: string, changes: QueryValues = {}) {
  const state = crypto.randomUUID().repeat(4).slice(0, 128);
  const params = {
    id_token_hint: idToken,
    post_logout_redirect_uri: SUITE_POST_LOGOUT_REDIRECT_URI,
    state,
    ...changes,
  };
  return { path: withQuery('/oauth/logout', params), state };
}

/** The module's last step: prompt=none must now fail with an error that needs the user (OIDC Core §3.1.2.6). */
async function expectLoggedOut(browser: TestBrowser, client: SuiteClient): Promise<void> {
  const request = suiteRequest(client, { prompt: 'none' }, 128);
  const params = suiteCallback(await browser.get(request.path), request);
  expect(params.error).toBe('login_required');
}

/** The modules that expect no redirect: an error page or a confirmation, never the post-logout URI. */
async function expectNoRedirectBack(browser: TestBrowser, path: string): Promise<void> {
  const response = await browser.get(path);
  expect(response.headers.get('location')).toBeNull();
  expect([200, 400]).toContain(response.status);
  expect(browser.html).not.toContain(`${SUITE_POST_LOGOUT_REDIRECT_URI}?`);
}

describe('OIDCC Config OP plan (discovery, static client)', () => {
  it('oidcc-discovery-endpoint-verification: the discovery document meets OIDC Discovery §3 and RFC 8414 §2', async () => {
    const metadata = await discovery();
    expect(metadata.issuer).toBe(TEST_ISSUER);
    expect(metadata.response_types_supported).toContain('code');
    expect(metadata.subject_types_supported).toEqual(['public']);
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
    expect(metadata.scopes_supported).toContain('openid');
    expect(metadata.claims_parameter_supported).toBe(true);
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'name', 'email', 'acr']));
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code']));
    // CheckDiscEndpointAllEndpointsAreHttps: every *_endpoint and jwks_uri.
    const endpoints = Object.entries(metadata).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
    expect(endpoints.length).toBeGreaterThanOrEqual(8);
    for (const [, url] of endpoints) expect(url).toMatch(/^https:\/\//);
    const jwks = await (await send(new URL(metadata.jwks_uri as string).pathname)).json<{ keys: { kid?: string }[] }>();
    expect(jwks.keys.every((key) => typeof key.kid === 'string')).toBe(true);
    expect(new Set(jwks.keys.map((key) => key.kid)).size).toBe(jwks.keys.length);
  });
});

describe('OIDCC RP-Initiated Logout OP plan (discovery, client_secret_basic, dynamic client)', () => {
  it('oidcc-rp-initiated-logout-discovery-endpoint-verification: end_session_endpoint is advertised, https', async () => {
    expect((await discovery()).end_session_endpoint).toBe(`${TEST_ISSUER}/oauth/logout`);
  });

  it('oidcc-rp-initiated-logout: back to the post-logout URI with state and nothing else; then prompt=none fails', async () => {
    const { client, browser, idToken } = await signedInForLogout();
    const request = endSessionRequest(idToken);
    const response = await browser.get(request.path);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(SUITE_POST_LOGOUT_REDIRECT_URI);
    expect(Object.fromEntries(location.searchParams)).toEqual({ state: request.state });
    await expectLoggedOut(browser, client);
  });

  it('oidcc-rp-initiated-logout-no-state: back to the post-logout URI with no state; then prompt=none fails', async () => {
    const { client, browser, idToken } = await signedInForLogout();
    const response = await browser.get(endSessionRequest(idToken, { state: undefined }).path);
    expect(response.headers.get('location')).toBe(SUITE_POST_LOGOUT_REDIRECT_URI);
    await expectLoggedOut(browser, client);
  });

  it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: an unregistered URI gets an error page', async () => {
    const { browser, idToken } = await signedInForLogout();
    const bad = `${SUITE_POST_LOGOUT_REDIRECT_URI}/${crypto.randomUUID()}`;
    await expectNoRedirectBack(browser, endSessionRequest(idToken, { post_logout_redirect_uri: bad }).path);
  });

  it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: ?foo=bar makes it unregistered', async () => {
    const { browser, idToken } = await signedInForLogout();
    const added = `${SUITE_POST_LOGOUT_REDIRECT_URI}?foo=bar`;
    await expectNoRedirectBack(browser, endSessionRequest(idToken, { post_logout_redirect_uri: added }).path);
  });

  it('oidcc-rp-initiated-logout-modified-id-token-hint: the hint re-signed with alg none gets an error page', async () => {
    const { browser, idToken } = await signedInForLogout();
    const [, payload] = idToken.split('.');
    const unsigned = `${btoa(JSON.stringify({ alg: 'none' })).replaceAll('=', '')}.${payload}.`;
    await expectNoRedirectBack(browser, endSessionRequest(unsigned).path);
  });

  it('oidcc-rp-initiated-logout-bad-id-token-hint: a hint signed by the suite gets an error page', async () => {
    const { browser, idToken } = await signedInForLogout();
    const { privateKey } = await generateKeyPair('RS256');
    const claims = decodeJwt(idToken);
    const fake = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'suite' }).sign(privateKey);
    await expectNoRedirectBack(browser, endSessionRequest(fake).path);
  });

  it('oidcc-rp-initiated-logout-no-id-token-hint: a post-logout URI without a hint gets an error page', async () => {
    const { browser, idToken } = await signedInForLogout();
    await expectNoRedirectBack(browser, endSessionRequest(idToken, { id_token_hint: undefined }).path);
  });

  it.each([
    [
      'oidcc-rp-initiated-logout-no-params',
      { id_token_hint: undefined, post_logout_redirect_uri: undefined, state: undefined },
    ],
    ['oidcc-rp-initiated-logout-no-post-logout-redirect-uri', { post_logout_redirect_uri: undefined }],
    ['oidcc-rp-initiated-logout-only-state', { id_token_hint: undefined, post_logout_redirect_uri: undefined }],
  ])('%s: the user is logged out on our pages, never redirected back', async (_, changes) => {
    const { client, browser, idToken } = await signedInForLogout();
    const response = await browser.get(endSessionRequest(idToken, changes).path);
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    if (browser.html.includes('action="/oauth/logout/confirm"')) {
      // Without a hint naming the signed-in user, a cross-site logout link needs the user's confirmation.
      const field = /name="logout_request" value="([^"]*)"/.exec(browser.html)?.[1] ?? '';
      const confirmed = await browser.submit('/oauth/logout/confirm', {
        logout_request: field.replaceAll('&amp;', '&'),
      });
      expect(confirmed.status).toBe(200);
    }
    expect(browser.html).toContain('You have been signed out.');
    await expectLoggedOut(browser, client);
  });
});
