// Issue 9's items one by one at the wire: default OpenID scopes for a client registered without `scope`, profile
// claims at userinfo, the `claims` parameter, acr, signed userinfo (OIDC Core §5.3.2), client branding on the pages,
// tolerated request parameters, and revoked grants refused by userinfo and introspection.
import { env } from 'cloudflare:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { signIn, createCodeClient, postAsClient, refreshWith } from '../helpers/authorization';
import { hiddenField, signedInBrowser } from '../helpers/authorize';
import {
  authorizeThroughPages,
  registerSuiteClient,
  suiteCallback,
  suiteHappyFlow,
  suiteRequest,
  suiteTokenRequest,
  suiteUserinfo,
} from '../helpers/conformance';
import { TEST_ISSUER } from '../helpers/constants';
import { publishedKeys } from '../helpers/http';
import { register } from '../helpers/registration';
import { createTestUser } from '../helpers/users';
import { TestBrowser } from '../helpers/browser';

describe('OpenID Connect for dynamically registered clients (issue 9)', () => {
  it('gives a client registered without scope the API and OpenID scopes, offline_access with refresh tokens', async () => {
    const { response, body } = await register({
      redirect_uris: ['https://rp.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(response.status).toBe(201);
    expect(body.scope).toBe('read write openid profile email offline_access');
  });

  it('registers userinfo_signed_response_alg and answers userinfo as an application/jwt signed with it (OIDC Core §5.3.2)', async () => {
    const client = await registerSuiteClient({ userinfo_signed_response_alg: 'ES256' });
    const { tokens, idToken } = await suiteHappyFlow(client, await createTestUser(), { scope: 'openid profile' });
    const response = await suiteUserinfo(tokens.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwt');
    const jwt = await response.text();
    expect(decodeProtectedHeader(jwt).alg).toBe('ES256');
    const { payload } = await jwtVerify(jwt, await publishedKeys(), { issuer: TEST_ISSUER, audience: client.clientId });
    expect(payload).toMatchObject({ sub: idToken.sub, preferred_username: expect.any(String) });
  });

  it('refuses an unsupported userinfo_signed_response_alg with invalid_client_metadata (RFC 7591 §3.2.2)', async () => {
    const { response, body } = await register({
      redirect_uris: ['https://rp.example/cb'],
      userinfo_signed_response_alg: 'none',
    });
    expect(response.status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
  });

  it('releases the claims asked for in the claims parameter to the ID Token, after consent to their scope (§5.5)', async () => {
    const user = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const claims = JSON.stringify({ id_token: { email: { essential: true } } });
    const { idToken, pages } = await suiteHappyFlow(await registerSuiteClient(), user, { claims });
    expect(pages.sawConsent).toBe(true);
    expect(idToken.email).toBe('ada@example.com');
  });

  it('releases no claim by name that the client may not request by scope', async () => {
    const user = await createTestUser({ email: 'ada@example.com', emailVerified: true });
    const client = await registerSuiteClient({ scope: 'openid' });
    const claims = JSON.stringify({ userinfo: { email: { essential: true } }, id_token: { email: null } });
    const { tokens, idToken, pages } = await suiteHappyFlow(client, user, { claims });
    expect(pages.sawConsent).toBe(true);
    expect(idToken.email).toBeUndefined();
    expect(await (await suiteUserinfo(tokens.access_token)).json()).toEqual({ sub: idToken.sub });
  });

  it.each([
    ['not JSON', '{', 'the claims parameter is not valid JSON'],
    ['no object', '[]', 'the claims parameter must be a JSON object'],
    [
      'a bad essential',
      '{"userinfo":{"name":{"essential":"yes"}}}',
      'the claims parameter userinfo.name.essential must be a boolean',
    ],
  ])('answers a claims parameter that is %s with invalid_request', async (_, claims, description) => {
    const client = await registerSuiteClient();
    const request = suiteRequest(client, { claims });
    const params = suiteCallback(await new TestBrowser().get(request.path), request);
    expect(params).toMatchObject({ error: 'invalid_request', error_description: description });
  });

  it('fails an essential acr it cannot meet with unmet_authentication_requirements (§5.5.1.1)', async () => {
    const client = await registerSuiteClient();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['phrh'] } } });
    const request = suiteRequest(client, { claims });
    const params = suiteCallback(await new TestBrowser().get(request.path), request);
    expect(params.error).toBe('unmet_authentication_requirements');
  });

  it('answers prompt=none with an id_token_hint of another user with login_required (§3.1.2.1)', async () => {
    const client = await registerSuiteClient();
    const other = await suiteHappyFlow(client, await createTestUser());
    const me = await suiteHappyFlow(client, await createTestUser());
    const request = suiteRequest(client, { prompt: 'none', id_token_hint: other.tokens.id_token });
    const params = suiteCallback(await me.browser.get(request.path), request);
    expect(params.error).toBe('login_required');
  });

  it('shows the client logo and its links on the login and consent pages, the logo allowed by img-src', async () => {
    const client = await registerSuiteClient({
      logo_uri: 'https://cdn.rp.example/logo.png',
      policy_uri: 'https://rp.example/privacy',
      tos_uri: 'https://rp.example/terms',
      client_uri: 'https://rp.example/',
    });
    const browser = new TestBrowser();
    const request = suiteRequest(client);
    const login = await browser.get(request.path, { follow: true });
    expect(login.headers.get('content-security-policy')).toContain("img-src 'self' https://cdn.rp.example;");
    for (const url of ['https://cdn.rp.example/logo.png', 'https://rp.example/privacy', 'https://rp.example/terms'])
      expect(browser.html).toContain(url);
    const user = await createTestUser();
    await browser.submit(
      '/login',
      { username: user.user.username, password: user.password, return_to: hiddenField(browser, 'return_to') },
      { follow: true },
    );
    expect(browser.html).toContain('action="/oauth/authorize/consent"');
    expect(browser.html).toContain('src="https://cdn.rp.example/logo.png"');
    expect(browser.html).toContain('href="https://rp.example/"');
  });
});

describe('the issuer refuses the access tokens of a revoked grant (RFC 6749 §4.1.2, RFC 7009 §2.1)', () => {
  it('after RFC 7009 revocation of the refresh token: userinfo 401, introspection inactive', async () => {
    const testClient = await createCodeClient();
    const tokens = await signIn(testClient, (await createTestUser()).user);
    expect((await suiteUserinfo(tokens.access_token)).status).toBe(200);
    expect((await postAsClient(testClient, '/oauth/revoke', { token: tokens.refresh_token! })).status).toBe(200);
    const userinfo = await suiteUserinfo(tokens.access_token);
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toBe(
      `Bearer realm="${TEST_ISSUER}/oauth/userinfo", error="invalid_token", error_description="the grant of this access token was revoked", ` +
        `DPoP realm="${TEST_ISSUER}/oauth/userinfo", algs="ES256 EdDSA Ed25519 RS256 PS256"`,
    );
    const introspection = await postAsClient(testClient, '/oauth/introspect', { token: tokens.access_token });
    expect(await introspection.json()).toEqual({ active: false });
    expect((await refreshWith(testClient, tokens.refresh_token!)).status).toBe(400);
  });

  it('after a replayed code without refresh tokens: userinfo 401, introspection inactive', async () => {
    const client = await registerSuiteClient();
    const { params, tokens } = await suiteHappyFlow(client, await createTestUser());
    await suiteTokenRequest(client, {
      grant_type: 'authorization_code',
      code: params.code!,
      redirect_uri: 'https://suite.example/test/a/portcullis/callback',
    });
    expect((await suiteUserinfo(tokens.access_token)).status).toBe(401);
    const introspector = await createCodeClient();
    const introspection = await postAsClient(introspector, '/oauth/introspect', { token: tokens.access_token });
    expect(await introspection.json()).toEqual({ active: false });
  });
});

describe('the profile on /account (OIDC Core §5.1)', () => {
  it('saves the profile fields, which userinfo then returns with updated_at', async () => {
    const { browser, user } = await signedInBrowser();
    await browser.get('/account');
    const saved = await browser.submit('/account/profile', {
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      nickname: '',
      picture: 'https://example.com/ada.png',
      website: 'https://ada.example/',
      locale: 'en-GB',
      zoneinfo: 'Europe/London',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/account?saved=1');
    const stored = await storesFor(env.DB).users.findById(user.id);
    expect(stored).toMatchObject({
      name: 'Ada Lovelace',
      nickname: null,
      zoneinfo: 'Europe/London',
      profileUpdatedAt: expect.any(Number),
    });
  });

  it.each([
    ['picture', 'http://example.com/ada.png'],
    ['locale', 'English'],
    ['zoneinfo', 'Mars/Olympus'],
  ])('refuses a bad %s with 400 and the form again, saving nothing', async (field, value) => {
    const { browser, user } = await signedInBrowser();
    await browser.get('/account');
    const refused = await browser.submit('/account/profile', { [field]: value });
    expect(refused.status).toBe(400);
    expect(browser.html).toContain('aria-invalid="true"');
    expect((await storesFor(env.DB).users.findById(user.id))?.profileUpdatedAt).toBeNull();
  });

  it('keeps /account/applications reachable: the profile routes do not capture sub-paths', async () => {
    const response = await new TestBrowser().get('/account/applications');
    expect(response.headers.get('location')).toBe(`/login?return_to=${encodeURIComponent('/account/applications')}`);
  });

  it('prefills the username from login_hint on the login page', async () => {
    const client = await registerSuiteClient();
    const user = await createTestUser();
    const pages = await authorizeThroughPages(
      new TestBrowser(),
      suiteRequest(client, { login_hint: user.user.username }).path,
      user,
    );
    expect(pages.loginPage).toContain(`value="${user.user.username}"`);
  });
});
