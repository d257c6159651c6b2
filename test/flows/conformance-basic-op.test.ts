// The OpenID Foundation's Basic OP test plan (conformance-suite OIDCCBasicTestPlan, response_type=code,
// client_secret_basic, dynamic registration), one test per module, each driven as the module drives an OP: a client
// registered without `scope`, the real login and consent pages, the module's own checks. docs/conformance.md maps them.
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACR_VALUES_SUPPORTED } from '../../src/oauth/authentication-context';
import { SCOPE_CLAIMS } from '../../src/oauth/claims';
import { storesFor } from '../../src/storage/stores';
import { env } from 'cloudflare:test';
import { pkcePair } from '../helpers/authorization';
import { TestBrowser } from '../helpers/browser';
import {
  authorizeThroughPages,
  checkSuiteIdToken,
  redeemSuiteCode,
  registerSuiteClient,
  SUITE_REDIRECT_URI,
  suiteCallback,
  suiteHappyFlow,
  suiteRequest,
  suiteTokenRequest,
  suiteUserinfo,
} from '../helpers/conformance';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';
import { createTestUser, type TestUser } from '../helpers/users';

/** EnsureIdTokenDoesNotContainNonRequestedClaims: what an ID Token may carry unasked. */
const ID_TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash'];

async function suiteUser(): Promise<TestUser> {
  const testUser = await createTestUser({ email: 'buffy@example.com', emailVerified: true });
  const profile = {
    name: 'Buffy Summers',
    givenName: 'Buffy',
    familyName: 'Summers',
    nickname: 'Buffy',
    picture: 'https://example.com/buffy.png',
    website: 'https://example.com/',
    locale: 'en-US',
    zoneinfo: 'America/Los_Angeles',
  };
  await storesFor(env.DB).users.updateProfile(testUser.user.id, profile, Math.floor(Date.now() / 1000));
  return testUser;
}

async function expectUserinfoOk(response: Response, sub: unknown): Promise<Record<string, unknown>> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await response.json<Record<string, unknown>>();
  expect(body.sub).toBe(sub);
  return body;
}

/** performGenericAuthorizationEndpointErrorResponseValidation: an error redirect with state and iss, no code. */
function expectCallbackError(response: Response, request: { state: string }, errors: string[]): void {
  const params = suiteCallback(response, request as never);
  expect(errors).toContain(params.error);
  expect(params.code).toBeUndefined();
  expect(params.error_description).not.toMatch(/[\r\n\t]/);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('OIDCC Basic OP plan (code, client_secret_basic, dynamic client)', () => {
  it('oidcc-server: a happy flow whose ID Token carries nothing unasked and whose access token works at userinfo', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const { tokens, idToken, params } = await suiteHappyFlow(client, user);
    expect(params.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(idToken).filter((claim) => !ID_TOKEN_CLAIMS.includes(claim))).toEqual([]);
    expect(idToken.name).toBeUndefined();
    await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
  });

  it('oidcc-response-type-missing: redirects back with invalid_request, state and iss', async () => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, { response_type: undefined });
    const { browser } = { browser: new TestBrowser() };
    expectCallbackError(await browser.get(request.path), request, ['invalid_request', 'unsupported_response_type']);
  });

  it('oidcc-idtoken-signature: without a registered algorithm the ID Token is RS256 with a kid', async () => {
    const { tokens } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser());
    expect(decodeJwt(tokens.id_token).iss).toBe(TEST_ISSUER);
  });

  it('oidcc-idtoken-unsigned: skipped by the suite, since discovery does not list alg none', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, string[]>>();
    expect(metadata.id_token_signing_alg_values_supported).not.toContain('none');
  });

  it.each([
    ['oidcc-userinfo-get', 'get'],
    ['oidcc-userinfo-post-header', 'post-header'],
  ] as const)('%s: userinfo answers JSON with the sub of the ID Token', async (_, method) => {
    const { tokens, idToken } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser());
    await expectUserinfoOk(await suiteUserinfo(tokens.access_token, method), idToken.sub);
  });

  it('oidcc-userinfo-post-body: a token in the body is refused with a Bearer challenge (optional, a suite warning)', async () => {
    const { tokens } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser());
    const response = await suiteUserinfo(tokens.access_token, 'post-body');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow: a code without a nonce', async () => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, { nonce: undefined });
    const pages = await authorizeThroughPages(new TestBrowser(), request.path, await suiteUser());
    const tokens = await redeemSuiteCode(client, suiteCallback(pages.response, request).code!);
    await checkSuiteIdToken(tokens.id_token, client, undefined);
  });

  it.each([
    ['oidcc-scope-profile', 'openid profile'],
    ['oidcc-scope-email', 'openid email'],
    ['oidcc-alternate-happy-flow', 'email openid'],
  ])('%s: userinfo returns every standard claim of the scope (OIDC Core §5.4)', async (_, scope) => {
    const { tokens, idToken } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser(), { scope });
    const userinfo = await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
    const expected = scope.split(' ').flatMap((item) => SCOPE_CLAIMS[item] ?? []);
    expect(Object.keys(userinfo).sort()).toEqual(['sub', ...expected].sort());
    if (scope.includes('profile')) expect(userinfo.updated_at).toEqual(expect.any(Number));
  });

  it.each([
    ['oidcc-scope-address', 'address'],
    ['oidcc-scope-phone', 'phone'],
    ['oidcc-scope-all', 'address'],
  ])('%s: skipped by the suite, since scopes_supported lacks %s', async (_, scope) => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, string[]>>();
    expect(metadata.scopes_supported).not.toContain(scope);
  });

  it.each([
    ['oidcc-display-page', { display: 'page' }],
    ['oidcc-display-popup', { display: 'popup' }],
    ['oidcc-ensure-request-with-unknown-parameter-succeeds', { extra: 'foobar' }],
    ['oidcc-ui-locales', { ui_locales: 'se' }],
    ['oidcc-claims-locales', { claims_locales: 'se' }],
  ])('%s: the parameter shows the normal login page and the flow succeeds', async (_, extra) => {
    const { pages } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser(), extra);
    expect(pages.sawLogin).toBe(true);
  });

  it('oidcc-prompt-login: a second request with prompt=login shows the login page again; auth_time is later', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const first = await suiteHappyFlow(client, user);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2000);
    const second = await suiteHappyFlow(client, user, { prompt: 'login' }, first.browser);
    expect(second.pages.sawLogin).toBe(true);
    expect(second.idToken.auth_time).toBeGreaterThan(first.idToken.auth_time as number);
  });

  it('oidcc-prompt-none-not-logged-in: login_required, with a 128-character state intact (OIDC Core §3.1.2.6)', async () => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, { prompt: 'none' }, 128);
    expect(request.state).toHaveLength(128);
    const response = await new TestBrowser().get(request.path);
    expectCallbackError(response, request, ['login_required', 'interaction_required', 'consent_required']);
  });

  it('oidcc-prompt-none-logged-in: a second request with prompt=none returns a code at once, same sub and auth_time', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const first = await suiteHappyFlow(client, user);
    const second = await suiteHappyFlow(client, user, { prompt: 'none' }, first.browser);
    expect(second.pages.sawLogin || second.pages.sawConsent).toBe(false);
    expect(second.idToken.sub).toBe(first.idToken.sub);
    expect(second.idToken.auth_time).toBe(first.idToken.auth_time);
  });

  it('oidcc-max-age-1: two seconds later max_age=1 forces a new login, and auth_time is present and later', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const first = await suiteHappyFlow(client, user);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2000);
    const second = await suiteHappyFlow(client, user, { max_age: '1' }, first.browser);
    expect(second.pages.sawLogin).toBe(true);
    expect(second.idToken.auth_time).toBeGreaterThan(first.idToken.auth_time as number);
  });

  it('oidcc-max-age-10000: max_age=15000 then max_age=10000 needs no second login; auth_time is present and the same', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const first = await suiteHappyFlow(client, user, { max_age: '15000' });
    const second = await suiteHappyFlow(client, user, { max_age: '10000' }, first.browser);
    expect(second.pages.sawLogin).toBe(false);
    expect(first.idToken.auth_time).toEqual(expect.any(Number));
    expect(second.idToken.auth_time).toBe(first.idToken.auth_time);
  });

  it('oidcc-id-token-hint: prompt=none with the first ID Token as id_token_hint returns a code at once', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const first = await suiteHappyFlow(client, user);
    const hint = { prompt: 'none', id_token_hint: first.tokens.id_token };
    const second = await suiteHappyFlow(client, user, hint, first.browser);
    expect(second.idToken.sub).toBe(first.idToken.sub);
    expect(second.idToken.auth_time).toBe(first.idToken.auth_time);
  });

  it('oidcc-login-hint: the login page is shown with the hinted username filled in', async () => {
    const user = await suiteUser();
    const { pages } = await suiteHappyFlow(await registerSuiteClient(), user, { login_hint: user.user.username });
    expect(pages.loginPage).toContain(`value="${user.user.username}"`);
  });

  it('oidcc-ensure-request-with-acr-values-succeeds: the ID Token acr is one of the advertised values requested', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, string[]>>();
    expect(metadata.acr_values_supported).toEqual([...ACR_VALUES_SUPPORTED]);
    const acrValues = metadata.acr_values_supported!.join(' ');
    const { idToken } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser(), { acr_values: acrValues });
    expect(metadata.acr_values_supported).toContain(idToken.acr);
  });

  it('oidcc-codereuse: the code used a second time is refused with 400 invalid_grant (OIDC Core §3.1.3.4)', async () => {
    const client = await registerSuiteClient();
    const { params } = await suiteHappyFlow(client, await suiteUser());
    const reuse = await suiteTokenRequest(client, {
      grant_type: 'authorization_code',
      code: params.code!,
      redirect_uri: SUITE_REDIRECT_URI,
    });
    expect(reuse.status).toBe(400);
    expect(reuse.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await reuse.json<{ error: string }>()).error).toBe('invalid_grant');
  });

  it('oidcc-codereuse-30seconds: 30 s later the reuse is refused and the first access token no longer works (RFC 6749 §4.1.2)', async () => {
    const client = await registerSuiteClient();
    const { params, tokens, idToken } = await suiteHappyFlow(client, await suiteUser());
    await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 30_000);
    const reuse = await suiteTokenRequest(client, {
      grant_type: 'authorization_code',
      code: params.code!,
      redirect_uri: SUITE_REDIRECT_URI,
    });
    expect(reuse.status).toBe(400);
    expect((await reuse.json<{ error: string }>()).error).toBe('invalid_grant');
    const userinfo = await suiteUserinfo(tokens.access_token);
    expect(userinfo.status).toBe(401);
  });

  it('oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri gets an error page, never a redirect', async () => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, { redirect_uri: `${SUITE_REDIRECT_URI}/${crypto.randomUUID()}` });
    const browser = new TestBrowser();
    const response = await browser.get(request.path);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(browser.html).toContain('redirect_uri');
  });

  it('oidcc-ensure-post-request-succeeds: the authorization request POSTed as a form works like GET', async () => {
    const client = await registerSuiteClient();
    const user = await suiteUser();
    const request = suiteRequest(client);
    const browser = new TestBrowser();
    const query = Object.fromEntries(new URL(request.path, TEST_ISSUER).searchParams);
    const posted = await browser.submit('/oauth/authorize', query, {
      csrfToken: null,
      origin: 'https://suite.example',
    });
    expect(posted.status).toBe(303);
    const pages = await authorizeThroughPages(browser, posted.headers.get('location')!, user);
    const tokens = await redeemSuiteCode(client, suiteCallback(pages.response, request).code!);
    await checkSuiteIdToken(tokens.id_token, client, request.nonce);
  });

  it('oidcc-server-client-secret-post: the happy flow with client_secret_post', async () => {
    const client = await registerSuiteClient({ token_endpoint_auth_method: 'client_secret_post' });
    const { tokens, idToken } = await suiteHappyFlow(client, await suiteUser());
    await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
  });

  it.each([
    [
      'oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported',
      'request_uri',
      'request_uri_not_supported',
    ],
    // Request objects are supported signed only (RFC 9101, docs/par-jar.md): discovery lists no `none` in
    // request_object_signing_alg_values_supported, so the suite skips this module; an unsigned object is refused.
    [
      'oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported',
      'request',
      'invalid_request_object',
    ],
  ])('%s: answered with %s → %s, which the suite accepts', async (_, parameter, error) => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, {
      [parameter]: parameter === 'request' ? 'eyJhbGciOiJub25lIn0.e30.' : 'https://suite.example/ro',
    });
    expectCallbackError(await new TestBrowser().get(request.path), request, [error]);
  });

  it('oidcc-ensure-request-object-with-redirect-uri: a bad redirect_uri outside the request object gets an error page', async () => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, {
      redirect_uri: 'https://attacker.example/cb',
      request: 'eyJhbGciOiJub25lIn0.e30.',
    });
    const response = await new TestBrowser().get(request.path);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('oidcc-claims-essential: name asked of userinfo as essential is returned there, not in the ID Token (OIDC Core §5.5)', async () => {
    const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
    const { tokens, idToken, pages } = await suiteHappyFlow(await registerSuiteClient(), await suiteUser(), { claims });
    expect(pages.sawConsent).toBe(true);
    const userinfo = await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
    expect(userinfo.name).toBe('Buffy Summers');
    expect(idToken.name).toBeUndefined();
  });

  it('oidcc-refresh-token: offline_access with prompt=consent gives a refresh token bound to its client', async () => {
    const extra = { grant_types: ['authorization_code', 'refresh_token'] };
    const [client, other] = [await registerSuiteClient(extra), await registerSuiteClient(extra)];
    const user = await suiteUser();
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, string[]>>();
    expect(metadata.scopes_supported).toContain('offline_access');
    const request = { scope: 'openid offline_access', prompt: 'consent' };
    const first = await suiteHappyFlow(client, user, request);
    expect(first.pages.sawConsent).toBe(true);
    expect(first.tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]+$/);
    const refreshed = await suiteTokenRequest(client, {
      grant_type: 'refresh_token',
      refresh_token: first.tokens.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    const tokens = await refreshed.json<{ id_token: string; access_token: string }>();
    const idToken = await checkSuiteIdToken(tokens.id_token, client, undefined);
    expect(idToken.sub).toBe(first.idToken.sub);
    await expectUserinfoOk(await suiteUserinfo(tokens.access_token), idToken.sub);
    const second = await suiteHappyFlow(other, user, request, first.browser);
    const stolen = await suiteTokenRequest(client, {
      grant_type: 'refresh_token',
      refresh_token: second.tokens.refresh_token!,
    });
    expect(stolen.status).toBe(400);
    expect((await stolen.json<{ error: string }>()).error).toBe('invalid_grant');
  });

  it('oidcc-ensure-request-with-valid-pkce-succeeds: a valid S256 PKCE request succeeds', async () => {
    const client = await registerSuiteClient();
    const { verifier, challenge } = await pkcePair();
    const request = suiteRequest(client, { code_challenge: challenge, code_challenge_method: 'S256' });
    const pages = await authorizeThroughPages(new TestBrowser(), request.path, await suiteUser());
    const code = suiteCallback(pages.response, request).code!;
    const tokens = await redeemSuiteCode(client, code, { code_verifier: verifier });
    await checkSuiteIdToken(tokens.id_token, client, request.nonce);
  });
});
