// Two-factor codes (issue 16 item 2): enrolment on /account/security (confirmed by a first code), the second sign-in
// step (a pending sign-in bound to the browser, single use, short-lived, never a session), codes accepted once
// (RFC 6238 §5.2), recovery codes single use, failures under the login throttle, amr/acr in the ID Token (RFC 8176),
// prompt=login asking for the code again, the password grant refused, and the secret never stored in clear.
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { totpKey } from '../../src/accounts/totp';
import { MULTI_FACTOR_ACR } from '../../src/oauth/authentication-context';
import { storesFor } from '../../src/storage/stores';
import {
  createPublicCodeClient,
  exchangeCode,
  expectOAuthError,
  OIDC_CLIENT_SCOPES,
  postAsClient,
  type TokenSet,
} from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowser, submitConsent } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestApp } from '../helpers/app';
import { createTestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { setupPageSecret, totpCode } from '../helpers/totp';
import { nowSeconds, recoveryCodesOf, twoFactorUser, type TwoFactorUser } from '../helpers/two-factor';

const SECOND_FACTOR = '/login/second-factor';
const WRONG_CODE = 'That code is not right, or it was used already.';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  // A second into a 30-second step, so a step's codes stay valid through a test's requests.
  vi.setSystemTime((Math.floor(Date.now() / 30_000) * 30 + 1) * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock to the next time step, as a person waiting for the app's next code. */
function nextStep(): void {
  vi.setSystemTime(Date.now() + 30_000);
}

/** Signs in with the password in a new browser (or `browser`), which is then asked for a code. */
async function passwordStep(account: TwoFactorUser, browser = new TestBrowser(), returnTo = '/account') {
  const response = await loginAs(browser, account.user.username, account.password, returnTo);
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe(SECOND_FACTOR);
  expect((await browser.get(SECOND_FACTOR)).status).toBe(200);
  return browser;
}

function submitCode(browser: TestBrowser, code: string): Promise<Response> {
  return browser.submit(SECOND_FACTOR, { code });
}

async function expectSignedIn(browser: TestBrowser, signedIn: boolean): Promise<void> {
  expect((await browser.get('/account')).status).toBe(signedIn ? 200 : 302);
}

describe('setting up two-factor codes on /account/security', () => {
  it('shows the key as a QR code (inline SVG) and an otpauth:// URI, and turns on only with a right first code', async () => {
    const { user, password, browser } = await signedInBrowser();
    await browser.get('/account/security');
    expect(browser.html).toContain('<h2 id="two-factor-heading">Two-factor codes</h2>');
    expect(browser.html).toContain('action="/account/security/two-factor/set-up"');

    const setup = await browser.submit('/account/security/two-factor/set-up', {});
    expect(setup.status).toBe(200);
    expect(setup.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(browser.html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*role="img"/);
    expect(browser.html).toMatch(/<path d="(M\d+ \d+h\d+v1h-\d+z)+" fill="#000">/);
    const secret = setupPageSecret(browser.html);
    expect(secret.byteLength).toBe(20);
    const uri = new URL(/href="(otpauth:[^"]+)"/.exec(browser.html)![1]!.replaceAll('&amp;', '&'));
    expect(decodeURIComponent(uri.pathname)).toBe(`/Portcullis (issuer.test):${user.username}`);
    expect(browser.html).toMatch(/<dt>Key URI<\/dt><dd><code class="wrap">otpauth:\/\/totp\/Portcullis/);
    expect(uri.searchParams.get('secret')).toBe(/<code id="totp-key">([A-Z2-7]+)</.exec(browser.html)![1]);

    const wrong = await browser.submit('/account/security/two-factor/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(browser.html).toContain('That code is not right.');
    // Still off: the password alone signs in.
    expect((await loginAs(new TestBrowser(), user.username, password)).headers.get('location')).toBe('/account');

    const right = await browser.submit('/account/security/two-factor/confirm', {
      code: await totpCode(secret, nowSeconds()),
    });
    expect(right.status).toBe(200);
    expect(browser.html).toContain('<h1>Your recovery codes</h1>');
    const codes = recoveryCodesOf(browser.html);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect(new Set(codes).size).toBe(10);

    await browser.get('/account/security');
    expect(browser.html).toContain('10 unused recovery codes left.');
    expect((await loginAs(new TestBrowser(), user.username, password)).headers.get('location')).toBe(SECOND_FACTOR);
  });

  it('stores the secret only sealed (AES-GCM) and the recovery codes only hashed', async () => {
    const { user, secret, recoveryCodes } = await twoFactorUser();
    const key = totpKey('any', 'any', secret).base32;
    const rows = await env.DB.prepare('SELECT * FROM totp_credentials WHERE user_id = ?').bind(user.id).all();
    const codes = await env.DB.prepare('SELECT * FROM recovery_codes WHERE user_id = ?').bind(user.id).all();
    const stored = JSON.stringify([rows.results, codes.results]);
    expect(rows.results).toHaveLength(1);
    expect(codes.results).toHaveLength(10);
    for (const clear of [key, Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('hex')]) {
      expect(stored).not.toContain(clear);
    }
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
  });
});

describe('signing in with a password and a code', () => {
  it('asks for a code after the password, with no session until it is right, then signs in', async () => {
    const account = await twoFactorUser();
    nextStep();
    const browser = new TestBrowser();
    const password = await loginAs(browser, account.user.username, account.password, '/account/security');
    expect(password.status).toBe(303);
    expect(password.headers.get('location')).toBe(SECOND_FACTOR);
    // Only the pending sign-in's cookie, HttpOnly and short-lived: no session cookie.
    expect(password.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^__Host-portcullis_pending_sign_in=[A-Za-z0-9_-]{43}; Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      ),
    ]);
    await expectSignedIn(browser, false);

    const page = await browser.get(SECOND_FACTOR);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(browser.html).toContain('autocomplete="one-time-code"');

    const wrong = await submitCode(browser, '000000');
    expect(wrong.status).toBe(401);
    expect(browser.html).toContain(WRONG_CODE);
    await expectSignedIn(browser, false);

    const right = await submitCode(browser, await totpCode(account.secret, nowSeconds()));
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/account/security');
    expect(right.headers.getSetCookie()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^__Host-portcullis_pending_sign_in=; Max-Age=0/),
        expect.stringMatching(/^__Host-portcullis_session=[A-Za-z0-9_-]{43};/),
      ]),
    );
    await expectSignedIn(browser, true);
  });

  it('refuses a code used before, even in another browser within its window (RFC 6238 §5.2)', async () => {
    const account = await twoFactorUser();
    nextStep();
    const code = await totpCode(account.secret, nowSeconds());
    expect((await submitCode(await passwordStep(account), code)).status).toBe(303);

    const again = await passwordStep(account);
    expect((await submitCode(again, code)).status).toBe(401);
    await expectSignedIn(again, false);
    // The enrolment's own code is spent too.
    vi.setSystemTime(Date.now() - 30_000);
    expect((await submitCode(again, await totpCode(account.secret, nowSeconds()))).status).toBe(401);
  });

  it('accepts a recovery code instead of a code, once', async () => {
    const account = await twoFactorUser();
    const [first, second] = account.recoveryCodes;
    const browser = await passwordStep(account);
    expect((await submitCode(browser, first!.toUpperCase())).status).toBe(303);
    await expectSignedIn(browser, true);

    const again = await passwordStep(account);
    expect((await submitCode(again, first!)).status).toBe(401);
    expect((await submitCode(again, second!.replaceAll('-', ''))).status).toBe(303);
    await account.browser.get('/account/security');
    expect(account.browser.html).toContain('8 unused recovery codes left.');
  });

  it('binds the pending sign-in to the browser, completes it once, and lets it expire after 5 minutes', async () => {
    const account = await twoFactorUser();
    nextStep();
    const stranger = new TestBrowser();
    await stranger.get('/login');
    const withoutCookie = await submitCode(stranger, await totpCode(account.secret, nowSeconds()));
    expect(withoutCookie.status).toBe(400);
    expect(stranger.html).toContain('Your sign-in took too long or has already been used.');
    expect((await stranger.get(SECOND_FACTOR)).status).toBe(302);

    const browser = await passwordStep(account);
    const pendingCookie = browser.cookie('__Host-portcullis_pending_sign_in')!;
    expect((await submitCode(browser, await totpCode(account.secret, nowSeconds()))).status).toBe(303);
    expect(await storesFor(env.DB).pendingSignIns.find(pendingCookie, nowSeconds())).toBeNull();

    const slow = await passwordStep(account);
    vi.setSystemTime(Date.now() + 301_000);
    expect((await submitCode(slow, await totpCode(account.secret, nowSeconds()))).status).toBe(400);
    await expectSignedIn(slow, false);
  });

  it('counts wrong codes towards the account lock of passwords, which a right password does not reset', async () => {
    const account = await twoFactorUser();
    const first = await passwordStep(account);
    for (let attempt = 0; attempt < 3; attempt++) expect((await submitCode(first, '000000')).status).toBe(401);
    // Signing in with the password again takes nothing back: two more wrong codes lock the account.
    const second = await passwordStep(account);
    expect((await submitCode(second, '000000')).status).toBe(401);
    const locked = await submitCode(second, '000000');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(second.html).toContain('Too many failed sign-in attempts. Try again in 15 minutes.');

    // The lock is the password's: a right code and a right password from a fresh address are refused alike.
    nextStep();
    expect((await submitCode(second, await totpCode(account.secret, nowSeconds()))).status).toBe(429);
    expect((await loginAs(new TestBrowser(), account.user.username, account.password)).status).toBe(429);
    await expectSignedIn(second, false);
  });
});

describe('two-factor codes without their key (an operator error)', () => {
  it.each([
    ['unset', undefined],
    ['replaced', 'x'.repeat(43)],
  ])(
    'answers a code with a 503 page, not a 500, when TOTP_ENCRYPTION_KEY is %s; a recovery code still works',
    async (_, key) => {
      const account = await twoFactorUser();
      const testApp = createTestApp({ TOTP_ENCRYPTION_KEY: key });
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const browser = await passwordStep(account, new TestBrowser({ send: testApp.request }));
      const response = await submitCode(browser, await totpCode(account.secret, nowSeconds()));
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('sign in with a recovery code');
      await expectSignedIn(browser, false);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('TOTP_ENCRYPTION_KEY'));
      const [recovery] = account.recoveryCodes;
      expect((await browser.get(SECOND_FACTOR)).status).toBe(200);
      expect((await submitCode(browser, recovery!)).status).toBe(303);
      errors.mockRestore();
    },
  );
});

describe('tokens of a two-factor sign-in', () => {
  it('states amr pwd, otp, mfa and the multi-factor acr in the ID Token and access token (RFC 8176)', async () => {
    const account = await twoFactorUser();
    nextStep();
    const testClient = await createPublicCodeClient();
    const request = await codeRequest(testClient.client);
    const browser = new TestBrowser();
    const toLogin = await browser.get(request.path);
    const returnTo = new URL(toLogin.headers.get('location')!, TEST_ISSUER).searchParams.get('return_to')!;
    await passwordStep(account, browser, returnTo);
    const signedIn = await submitCode(browser, await totpCode(account.secret, nowSeconds()));
    expect(signedIn.headers.get('location')).toBe(returnTo);
    await browser.follow(signedIn);
    const params = redirectParams(await submitConsent(browser, 'allow'));
    const tokens = await (
      await exchangeCode(testClient, { code: params.code!, verifier: request.verifier })
    ).json<TokenSet>();
    const expected = { amr: ['pwd', 'otp', 'mfa'], acr: MULTI_FACTOR_ACR, auth_time: nowSeconds() };
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: account.user.id, ...expected });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ amr: expected.amr, acr: expected.acr });
  });

  it('meets an essential multi-factor acr (OIDC Core §5.5.1.1), which a password-only session does not', async () => {
    const testClient = await createPublicCodeClient();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: MULTI_FACTOR_ACR } } });
    const passwordOnly = await signedInBrowser();
    const refused = await passwordOnly.browser.get((await codeRequest(testClient.client, { claims })).path);
    expect(redirectParams(refused)).toMatchObject({ error: 'unmet_authentication_requirements' });

    const account = await twoFactorUser();
    nextStep();
    const browser = new TestBrowser();
    const request = await codeRequest(testClient.client, { claims });
    const toLogin = await browser.get(request.path);
    const returnTo = new URL(toLogin.headers.get('location')!, TEST_ISSUER).searchParams.get('return_to')!;
    await passwordStep(account, browser, returnTo);
    await browser.follow(await submitCode(browser, await totpCode(account.secret, nowSeconds())));
    const params = redirectParams(await submitConsent(browser, 'allow'));
    const tokens = await (
      await exchangeCode(testClient, { code: params.code!, verifier: request.verifier })
    ).json<TokenSet>();
    expect(decodeJwt(tokens.id_token!).acr).toBe(MULTI_FACTOR_ACR);
  });

  it.each([
    ['prompt=login', { prompt: 'login' }],
    ['max_age', { max_age: '20' }],
  ])('asks for the code again on %s, not just the password (OIDC Core §3.1.2.1)', async (_, demand) => {
    const account = await twoFactorUser();
    nextStep();
    const testClient = await createPublicCodeClient();
    const request = await codeRequest(testClient.client, demand);
    const { browser } = account;
    const toLogin = await browser.get(request.path);
    const location = new URL(toLogin.headers.get('location')!, TEST_ISSUER);
    expect(location.pathname).toBe('/login');
    const returnTo = location.searchParams.get('return_to')!;
    const before = browser.cookie('__Host-portcullis_session');
    await passwordStep(account, browser, returnTo);
    // The password alone is no new sign-in: the session is the one from before.
    expect(browser.cookie('__Host-portcullis_session')).toBe(before);

    const signedIn = await submitCode(browser, await totpCode(account.secret, nowSeconds()));
    expect(signedIn.headers.get('location')).toBe(returnTo);
    expect(browser.cookie('__Host-portcullis_session')).not.toBe(before);
    await browser.follow(signedIn);
    const params = redirectParams(await submitConsent(browser, 'allow'));
    const tokens = await (
      await exchangeCode(testClient, { code: params.code!, verifier: request.verifier })
    ).json<TokenSet>();
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], auth_time: nowSeconds() });
  });

  it('refuses the password grant for a two-factor account with invalid_grant, and counts nothing against it', async () => {
    const account = await twoFactorUser();
    const testClient = await createTestClient({ grantTypes: ['password'], scopes: OIDC_CLIENT_SCOPES });
    const grant = () =>
      postAsClient(testClient, '/oauth/token', {
        grant_type: 'password',
        username: account.user.username,
        password: account.password,
      });
    for (let attempt = 0; attempt < 6; attempt++) {
      await expectOAuthError(
        await grant(),
        400,
        'invalid_grant',
        'this account signs in with a second factor, which the password grant cannot ask for; use the authorization code flow',
      );
    }
    // The right password refused six times locked nothing: the pages still sign in.
    nextStep();
    const browser = await passwordStep(account);
    expect((await submitCode(browser, await totpCode(account.secret, nowSeconds()))).status).toBe(303);
  });
});

describe('managing two-factor codes', () => {
  it('makes new recovery codes with a current code, and the old ones stop working', async () => {
    const account = await twoFactorUser();
    nextStep();
    await account.browser.get('/account/security');
    const replaced = await account.browser.submit('/account/security/two-factor/recovery-codes', {
      code: await totpCode(account.secret, nowSeconds()),
    });
    expect(replaced.status).toBe(200);
    const fresh = recoveryCodesOf(account.browser.html);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(account.recoveryCodes[0]);

    const browser = await passwordStep(account);
    expect((await submitCode(browser, account.recoveryCodes[0]!)).status).toBe(401);
    expect((await submitCode(browser, fresh[0]!)).status).toBe(303);
  });

  it('turns off only with a current code or the password; then the password alone signs in', async () => {
    const account = await twoFactorUser();
    await account.browser.get('/account/security');
    const none = await account.browser.submit('/account/security/two-factor/turn-off', { code: '', password: '' });
    expect(none.status).toBe(400);
    const wrong = await account.browser.submit('/account/security/two-factor/turn-off', { password: 'not it' });
    expect(wrong.status).toBe(401);
    expect(account.browser.html).toContain('Enter a current code from your app, or your password.');
    // The enrolment's code is spent: it does not confirm either.
    const spent = await account.browser.submit('/account/security/two-factor/turn-off', {
      code: await totpCode(account.secret, nowSeconds()),
    });
    expect(spent.status).toBe(401);
    expect((await loginAs(new TestBrowser(), account.user.username, account.password)).headers.get('location')).toBe(
      SECOND_FACTOR,
    );

    const off = await account.browser.submit('/account/security/two-factor/turn-off', { password: account.password });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/account/security');
    await account.browser.get('/account/security');
    expect(account.browser.html).toContain('action="/account/security/two-factor/set-up"');
    expect((await loginAs(new TestBrowser(), account.user.username, account.password)).headers.get('location')).toBe(
      '/account',
    );
    expect(await storesFor(env.DB).twoFactor.countRecoveryCodes(account.user.id)).toBe(0);
  });
});
