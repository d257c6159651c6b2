// /oauth/authorize in a browser (OIDC Core §3.1.2): sign-in returning to the canonical request, prompt=none, login and
// consent, max_age and auth_time, the consent page (escaped, CSP form-action to the client), allow and deny redirects
// with code, state and iss (RFC 9207), remembered consent, and the consent POST's CSRF and re-validation.
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { createPublicCodeClient, exchangeCode, REDIRECT_URI, type TokenSet } from '../helpers/authorization';
import {
  codeRequest,
  hiddenField,
  redirectParams,
  signedInBrowser,
  submitConsent,
  type QueryValues,
} from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import type { TestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { createTestUser } from '../helpers/users';

const CONSENT_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://app.example; frame-ancestors 'none'; base-uri 'none'";
const CSRF_MESSAGE =
  'This form was sent from another site, or the page has expired. Go back, reload the page and try again.';
const STATE = 'af0ifjsldkj';

afterEach(() => {
  vi.useRealTimers();
});

function expectConsentPage(response: Response, browser: TestBrowser): void {
  expect(response.status).toBe(200);
  expect(browser.html).toContain('<form method="post" action="/oauth/authorize/consent">');
}

/** The return_to of a redirect to the login page, decoded. */
function loginReturnTo(response: Response): string {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!, TEST_ISSUER);
  expect(location.pathname).toBe('/login');
  return location.searchParams.get('return_to')!;
}

/** Allows a request on its consent page and redeems the code; the token set of the grant. */
async function allowAndRedeem(
  browser: TestBrowser,
  testClient: TestClient,
  overrides: QueryValues = {},
): Promise<TokenSet> {
  const request = await codeRequest(testClient.client, overrides);
  expectConsentPage(await browser.get(request.path), browser);
  const params = redirectParams(await submitConsent(browser, 'allow'));
  const response = await exchangeCode(testClient, { code: params.code!, verifier: request.verifier });
  expect(response.status).toBe(200);
  return response.json<TokenSet>();
}

describe('GET /oauth/authorize: signing in', () => {
  it('sends a signed-out browser to the login page, returning to the canonical request', async () => {
    const { client } = await createPublicCodeClient();
    const request = await codeRequest(client, { ui_locales: 'fr' });
    const returnTo = loginReturnTo(await new TestBrowser().get(request.path));
    const p = request.params;
    expect(returnTo).toBe(
      `/oauth/authorize?response_type=code&client_id=${client.id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid+profile&state=${STATE}` +
        `&nonce=${p.nonce}&code_challenge=${p.code_challenge}&code_challenge_method=S256`,
    );
  });

  it('comes back to the request after signing in and asks for consent', async () => {
    const { client } = await createPublicCodeClient();
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    const returnTo = loginReturnTo(await browser.get((await codeRequest(client)).path));
    const login = await loginAs(browser, user.username, password, returnTo);
    expect(login.headers.get('location')).toBe(returnTo);
    expectConsentPage(await browser.follow(login), browser);
  });

  it('answers login_required to prompt=none without a session (OIDC Core §3.1.2.6)', async () => {
    const { client } = await createPublicCodeClient();
    const response = await new TestBrowser().get((await codeRequest(client, { prompt: 'none' })).path);
    expect(response.status).toBe(302);
    expect(redirectParams(response)).toEqual({
      error: 'login_required',
      error_description: 'the user must sign in',
      state: STATE,
      iss: TEST_ISSUER,
    });
  });

  it('sends a signed-in user to sign in again for prompt=login, and the new sign-in satisfies it', async () => {
    const testClient = await createPublicCodeClient();
    const { browser, user, password } = await signedInBrowser();
    const request = await codeRequest(testClient.client, { prompt: 'login consent' });
    const returnTo = loginReturnTo(await browser.get(request.path));
    expect(new URL(returnTo, TEST_ISSUER).searchParams.get('prompt')).toBe('consent');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    const signedInAgainAt = Math.floor(Date.now() / 1000);
    expectConsentPage(await browser.follow(await loginAs(browser, user.username, password, returnTo)), browser);
    const params = redirectParams(await submitConsent(browser, 'allow'));
    expect(params).toEqual({ code: expect.any(String), state: STATE, iss: TEST_ISSUER });
    const tokens = await (
      await exchangeCode(testClient, { code: params.code!, verifier: request.verifier })
    ).json<TokenSet>();
    expect(decodeJwt(tokens.id_token!).auth_time).toBe(signedInAgainAt);
  });

  it('honours max_age: an older sign-in must be repeated, a recent one is enough', async () => {
    const testClient = await createPublicCodeClient();
    vi.useFakeTimers({ toFake: ['Date'] });
    const { browser, user, password } = await signedInBrowser();
    const signedInAt = Math.floor(Date.now() / 1000);
    vi.setSystemTime(Date.now() + 120_000);

    expectConsentPage(await browser.get((await codeRequest(testClient.client, { max_age: '300' })).path), browser);
    const returnTo = loginReturnTo(await browser.get((await codeRequest(testClient.client, { max_age: '60' })).path));
    expect(new URL(returnTo, TEST_ISSUER).searchParams.has('max_age')).toBe(false);

    const prompted = await codeRequest(testClient.client, { max_age: '60', prompt: 'none' });
    expect(redirectParams(await browser.get(prompted.path))).toEqual({
      error: 'login_required',
      error_description: 'the user must sign in',
      state: STATE,
      iss: TEST_ISSUER,
    });

    // OIDC Core §2: auth_time tells the client when the user signed in; the new sign-in is the one it gets.
    await loginAs(browser, user.username, password, returnTo);
    const tokens = await allowAndRedeem(browser, testClient, { max_age: '60' });
    expect(decodeJwt(tokens.id_token!).auth_time).toBe(signedInAt + 120);
  });
});

describe('the consent page', () => {
  it('shows the client, the scopes in words, the user and one form with allow and deny', async () => {
    const { client } = await createPublicCodeClient({ name: 'Unicorn <Tracker>' });
    const { browser, user } = await signedInBrowser();
    const request = await codeRequest(client, { scope: 'openid email offline_access read' });
    const response = await browser.get(request.path);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // The answer to the form is a redirect to the client, which form-action must allow; framing is refused.
    expect(response.headers.get('content-security-policy')).toBe(CONSENT_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = browser.html;
    expect(html).toContain('<h1>Unicorn &lt;Tracker&gt; wants to access your account</h1>');
    expect(html).toContain(`Signed in as <strong>${user.username}</strong>`);
    expect(html).toContain(
      '<ul aria-labelledby="scopes-heading"><li>Know who you are (your account identifier)</li><li>See your email address</li>' +
        '<li>Keep access while you are not using it, until you revoke it</li><li>Read your data</li></ul>',
    );
    expect(html).toContain('Whatever you choose, you go back to https://app.example.');
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny" class="secondary">Deny</button>');
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(browser.csrfToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hiddenField(browser, 'authorization_request')).toBe(new URL(request.path, TEST_ISSUER).search.slice(1));
  });

  it('issues a code bound to the request on allow, redirecting with code, state and iss (RFC 9207)', async () => {
    const testClient = await createPublicCodeClient();
    const { browser, user } = await signedInBrowser();
    const request = await codeRequest(testClient.client, { scope: 'openid profile read' });
    await browser.get(request.path);
    const response = await submitConsent(browser, 'allow');

    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const params = redirectParams(response);
    expect(params).toEqual({ code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), state: STATE, iss: TEST_ISSUER });
    const tokens = await (
      await exchangeCode(testClient, { code: params.code!, verifier: request.verifier })
    ).json<TokenSet>();
    expect(tokens.scope).toBe('openid profile read');
    expect(decodeJwt(tokens.id_token!)).toMatchObject({
      sub: user.id,
      aud: testClient.client.id,
      nonce: request.params.nonce,
    });
  });

  it('remembers consent, so a request for the same or fewer scopes skips the page and more scopes ask again', async () => {
    const testClient = await createPublicCodeClient();
    const { browser, user } = await signedInBrowser();
    await allowAndRedeem(browser, testClient, { scope: 'openid profile' });

    for (const scope of ['openid profile', 'openid']) {
      const response = await browser.get((await codeRequest(testClient.client, { scope })).path);
      expect(response.status).toBe(302);
      expect(redirectParams(response)).toEqual({ code: expect.any(String), state: STATE, iss: TEST_ISSUER });
    }
    expectConsentPage(
      await browser.get((await codeRequest(testClient.client, { scope: 'openid email' })).path),
      browser,
    );
    await submitConsent(browser, 'allow');
    // What was granted before is kept: the consent covers the union.
    expect((await storesFor(env.DB).consents.find(user.id, testClient.client.id))?.scopes).toEqual([
      'openid',
      'profile',
      'email',
    ]);
  });

  it('is shown for prompt=consent even when consent is remembered', async () => {
    const testClient = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await allowAndRedeem(browser, testClient);
    expectConsentPage(await browser.get((await codeRequest(testClient.client, { prompt: 'consent' })).path), browser);
  });

  it('is never shown for prompt=none: consent_required, or a code when consent is remembered', async () => {
    const testClient = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    const first = await browser.get((await codeRequest(testClient.client, { prompt: 'none' })).path);
    expect(redirectParams(first)).toEqual({
      error: 'consent_required',
      error_description: 'the user has not granted this client the requested scopes',
      state: STATE,
      iss: TEST_ISSUER,
    });
    await allowAndRedeem(browser, testClient);
    const again = await browser.get((await codeRequest(testClient.client, { prompt: 'none' })).path);
    expect(redirectParams(again)).toEqual({ code: expect.any(String), state: STATE, iss: TEST_ISSUER });
  });

  it('answers access_denied when the user denies, and remembers nothing', async () => {
    const testClient = await createPublicCodeClient();
    const { browser, user } = await signedInBrowser();
    await browser.get((await codeRequest(testClient.client)).path);
    const response = await submitConsent(browser, 'deny');

    expect(response.status).toBe(303);
    expect(redirectParams(response)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      state: STATE,
      iss: TEST_ISSUER,
    });
    expect(await storesFor(env.DB).consents.find(user.id, testClient.client.id)).toBeNull();
  });
});

describe('POST /oauth/authorize/consent', () => {
  async function expectRefused(response: Response, status: number, message: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain(`<p>${message}</p>`);
  }

  it('refuses a form without the CSRF token', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await browser.get((await codeRequest(client)).path);
    const fields = { authorization_request: hiddenField(browser, 'authorization_request'), decision: 'allow' };
    await expectRefused(
      await browser.submit('/oauth/authorize/consent', fields, { csrfToken: null }),
      403,
      CSRF_MESSAGE,
    );
  });

  it('refuses a cross-site post, even with the token', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await browser.get((await codeRequest(client)).path);
    const fields = { authorization_request: hiddenField(browser, 'authorization_request'), decision: 'allow' };
    await expectRefused(
      await browser.submit('/oauth/authorize/consent', fields, { origin: 'https://evil.example' }),
      403,
      CSRF_MESSAGE,
    );
  });

  it("refuses the form of another user's session", async () => {
    const { client } = await createPublicCodeClient();
    const victim = await signedInBrowser();
    const attacker = await signedInBrowser();
    await attacker.browser.get((await codeRequest(client)).path);
    const fields = { authorization_request: hiddenField(attacker.browser, 'authorization_request'), decision: 'allow' };
    const response = await victim.browser.submit('/oauth/authorize/consent', fields, {
      csrfToken: attacker.browser.csrfToken(),
    });
    await expectRefused(response, 403, CSRF_MESSAGE);
  });

  it('checks the carried request again: an unregistered redirect URI gets an error page', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await browser.get((await codeRequest(client)).path);
    const tampered = hiddenField(browser, 'authorization_request').replace(
      encodeURIComponent(REDIRECT_URI),
      encodeURIComponent('https://evil.example/cb'),
    );
    const response = await browser.submit('/oauth/authorize/consent', {
      authorization_request: tampered,
      decision: 'allow',
    });
    await expectRefused(
      response,
      400,
      'The redirect_uri is not one the application registered, so you are not sent there.',
    );
  });

  it('refuses a decision other than allow or deny', async () => {
    const { client } = await createPublicCodeClient();
    const { browser } = await signedInBrowser();
    await browser.get((await codeRequest(client)).path);
    const response = await browser.submit('/oauth/authorize/consent', {
      authorization_request: hiddenField(browser, 'authorization_request'),
      decision: 'maybe',
    });
    await expectRefused(response, 400, 'decision must be allow or deny');
  });
});
