// Security of the HTML pages: CSRF on the login, sign-up, logout and device forms (Origin or Sec-Fetch-Site, and a
// token bound to the session) and on every cookie-authenticated post whatever its content type, __Host- cookies (plain
// names on http://localhost), the page CSP with X-Frame-Options DENY
// (RFC 7034), logout, and garbage bodies answered with an HTML 4xx, never a 500.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { pageContentSecurityPolicy } from '../../src/http/middleware/html-page';
import { storesFor } from '../../src/storage/stores';
import { createTestApp } from '../helpers/app';
import { createTestClient } from '../helpers/clients';
import { loginAs, TestBrowser } from '../helpers/browser';
import { send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const CSRF_MESSAGE =
  'This form was sent from another site, or the page has expired. Go back, reload the page and try again.';

/** Every form of these pages: where it is shown, where it posts, and valid fields. */
const FORMS = [
  {
    name: 'login',
    page: '/login',
    action: '/login',
    fields: () => ({ username: 'someone', password: 'a password' }),
    signedIn: false,
  },
  {
    name: 'sign-up',
    page: '/signup',
    action: '/signup',
    fields: () => ({ username: `csrf_${crypto.randomUUID().slice(0, 8)}`, password: 'a long passphrase' }),
    signedIn: false,
  },
  { name: 'logout', page: '/account', action: '/logout', fields: () => ({}), signedIn: true },
  {
    name: 'sign out everywhere',
    page: '/account/security',
    action: '/account/security/sign-out-everywhere',
    fields: () => ({}),
    signedIn: true,
  },
  ...(['set-up', 'confirm', 'recovery-codes', 'turn-off'] as const).map((step) => ({
    name: `two-factor ${step}`,
    page: '/account/security',
    action: `/account/security/two-factor/${step}`,
    fields: () => ({ code: '123456', password: 'a password' }),
    signedIn: true,
  })),
  {
    name: 'two-factor sign-in step',
    page: '/login',
    action: '/login/second-factor',
    fields: () => ({ code: '123456' }),
    signedIn: false,
  },
  {
    name: 'passkey sign-in options',
    page: '/login',
    action: '/login/passkey/options',
    fields: () => ({}),
    signedIn: false,
  },
  {
    name: 'passkey sign-in',
    page: '/login',
    action: '/login/passkey',
    fields: () => ({ response: '{}', return_to: '/account' }),
    signedIn: false,
  },
  {
    name: 'passkey sign-up options',
    page: '/signup',
    action: '/signup/passkey/options',
    fields: () => ({ username: `csrf_${crypto.randomUUID().slice(0, 8)}` }),
    signedIn: false,
  },
  {
    name: 'passkey sign-up',
    page: '/signup',
    action: '/signup/passkey',
    fields: () => ({ response: '{}' }),
    signedIn: false,
  },
  {
    name: 'add passkey options',
    page: '/account/security',
    action: '/account/security/passkeys/options',
    fields: () => ({}),
    signedIn: true,
  },
  {
    name: 'link an upstream provider',
    page: '/account/security',
    action: '/account/security/upstream/fake/link',
    fields: () => ({}),
    signedIn: true,
  },
  {
    name: 'add passkey',
    page: '/account/security',
    action: '/account/security/passkeys',
    fields: () => ({ name: 'Laptop', response: '{}' }),
    signedIn: true,
  },
  {
    name: 'rename passkey',
    page: '/account/security',
    action: '/account/security/passkeys/some-credential/rename',
    fields: () => ({ name: 'Forged' }),
    signedIn: true,
  },
  {
    name: 'remove passkey',
    page: '/account/security',
    action: '/account/security/passkeys/some-credential/delete',
    fields: () => ({}),
    signedIn: true,
  },
  {
    name: 'unlink an upstream provider',
    page: '/account/security',
    action: '/account/security/upstream/fake/unlink',
    fields: () => ({}),
    signedIn: true,
  },
  {
    name: 'password reset request',
    page: '/password-reset',
    action: '/password-reset',
    fields: () => ({ email: 'someone@example.com' }),
    signedIn: false,
  },
  {
    name: 'new password',
    page: '/password-reset',
    action: '/password-reset/new',
    fields: () => ({ token: 'A'.repeat(43), password: 'a long passphrase' }),
    signedIn: false,
  },
  {
    name: 'email confirmation',
    page: '/password-reset',
    action: '/email/verify',
    fields: () => ({ token: 'A'.repeat(43) }),
    signedIn: false,
  },
  { name: 'account email', page: '/account', action: '/account/email', fields: () => ({ email: '' }), signedIn: true },
  {
    name: 'account email link again',
    page: '/account',
    action: '/account/email/verification',
    fields: () => ({}),
    signedIn: true,
  },
  {
    name: 'device code',
    page: '/device',
    action: '/device',
    fields: () => ({ user_code: 'BCDF-GHJK' }),
    signedIn: true,
  },
  {
    name: 'device consent',
    page: '/device',
    action: '/device/consent',
    fields: () => ({ user_code: 'BCDF-GHJK', decision: 'allow' }),
    signedIn: true,
  },
];

async function browserOn(form: (typeof FORMS)[number]): Promise<TestBrowser> {
  const browser = new TestBrowser();
  if (form.signedIn) {
    const { user, password } = await createTestUser();
    await loginAs(browser, user.username, password);
  }
  expect((await browser.get(form.page)).status).toBe(200);
  return browser;
}

async function expectCsrfRefusal(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
  expect(await response.text()).toContain(`<h1>Request refused</h1><p>${CSRF_MESSAGE}</p>`);
}

describe.each(FORMS)('CSRF protection of the $name form', (form) => {
  it('refuses a cross-site POST even with a valid token (Origin check)', async () => {
    const browser = await browserOn(form);
    await expectCsrfRefusal(await browser.submit(form.action, form.fields(), { origin: 'https://evil.example' }));
  });

  it('refuses a same-origin POST without the csrf_token field', async () => {
    const browser = await browserOn(form);
    await expectCsrfRefusal(await browser.submit(form.action, form.fields(), { csrfToken: null }));
  });

  it('refuses a token that is not the one issued to this browser', async () => {
    const browser = await browserOn(form);
    const other = await browserOn(form);
    await expectCsrfRefusal(await browser.submit(form.action, form.fields(), { csrfToken: other.csrfToken() }));
  });

  it('refuses a form post with neither Origin nor Sec-Fetch-Site', async () => {
    const browser = await browserOn(form);
    const body = new URLSearchParams({ ...form.fields(), csrf_token: browser.csrfToken() });
    const response = await send(form.action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    await expectCsrfRefusal(response);
  });
});

describe('CSRF protection of cookie-authenticated JSON posts', () => {
  it.each([
    ['a foreign Origin', 'https://evil.example'],
    ['the issuer origin but no token', undefined],
  ])('refuses JSON with %s on every state-changing page route, changing nothing', async (_, origin) => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const owned = await createTestClient({ name: 'Mine', ownerUserId: user.id });
    const granted = await createTestClient({ name: 'Granted' });
    const stores = storesFor(env.DB);
    await stores.consents.upsert({ userId: user.id, clientId: granted.client.id, scopes: ['read'] }, 1_800_000_000);

    for (const path of [
      '/logout',
      '/account/security/sign-out-everywhere',
      '/account/security/upstream/fake/link',
      '/account/security/upstream/fake/unlink',
      '/account/security/passkeys/options',
      '/account/security/passkeys',
      '/account/security/passkeys/some-credential/rename',
      '/account/security/passkeys/some-credential/delete',
      '/account/email',
      '/account/email/verification',
      '/account/security/two-factor/set-up',
      '/account/security/two-factor/confirm',
      '/account/security/two-factor/recovery-codes',
      '/account/security/two-factor/turn-off',
      '/login/second-factor',
      `/account/applications/${owned.client.id}/rotate-secret`,
      `/account/authorizations/${granted.client.id}/revoke`,
      '/account/applications/new',
      `/account/applications/${owned.client.id}`,
      `/account/applications/${owned.client.id}/delete`,
      '/oauth/logout/confirm',
      '/oauth/authorize/consent',
    ]) {
      const response = await browser.postJson(path, { confirm: 'delete', name: 'Forged' }, { origin });
      // A JSON request gets its error as JSON (middleware/html-page.ts).
      expect(response.status, path).toBe(403);
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: CSRF_MESSAGE });
    }
    expect((await browser.get('/account')).status).toBe(200);
    expect(await stores.clients.findById(owned.client.id)).toMatchObject({
      name: 'Mine',
      secretHash: owned.client.secretHash,
    });
    expect(await stores.consents.find(user.id, granted.client.id)).not.toBeNull();
    expect(await stores.clients.listByOwner(user.id)).toHaveLength(1);
  });
});

describe('CSRF token binding', () => {
  it('binds the token to the session, so a token from before login fails after it', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await browser.get('/login');
    const anonymousToken = browser.csrfToken();
    await loginAs(browser, user.username, password);
    await expectCsrfRefusal(await browser.submit('/logout', {}, { csrfToken: anonymousToken }));
  });

  it('sets the CSRF cookie HttpOnly, Secure and SameSite=Lax under the __Host- prefix', async () => {
    const response = await new TestBrowser().get('/login');
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Host-portcullis_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/),
    ]);
  });
});

describe('POST /logout', () => {
  it('deletes the session and its cookie and redirects to /login', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const token = browser.cookie('__Host-portcullis_session')!;
    await browser.get('/account');
    const response = await browser.submit('/logout', {});

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    expect(response.headers.getSetCookie()).toEqual([
      '__Host-portcullis_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    ]);
    expect(await storesFor(env.DB).sessions.findActive(token, Math.floor(Date.now() / 1000))).toBeNull();
    expect((await browser.get('/account')).status).toBe(302);
  });
});

describe('security headers of the pages', () => {
  it.each(['/login', '/signup', '/login?return_to=%2F%2Fevil', '/password-reset'])(
    'sends the page CSP with frame-ancestors none and no-store on %s',
    async (path) => {
      const response = await new TestBrowser().get(path);
      expect(response.status).toBe(200);
      // The passkey forms' scripts (their library and their own, on /login and /signup) run by this response's nonce,
      // and nothing else does.
      const nonce = /<script nonce="([^"]+)"/.exec(await response.text())?.[1];
      expect(nonce === undefined).toBe(path === '/password-reset');
      expect(response.headers.get('content-security-policy')).toBe(
        nonce === undefined ? PAGE_CSP : pageContentSecurityPolicy([], nonce, [], true),
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      // RFC 7034 §2.1: DENY, as frame-ancestors 'none' says to browsers that know CSP.
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('origin-agent-cluster')).toBe('?1');
    },
  );

  it('sends the page CSP on the account page and on error pages', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const account = await browser.get('/account');
    expect(account.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(account.headers.get('x-frame-options')).toBe('DENY');
    const error = await browser.submit('/logout', {}, { csrfToken: null });
    expect(error.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(error.headers.get('x-frame-options')).toBe('DENY');
  });

  it('adds the origins a page allows its form to lead to (a consent form redirecting to its client)', () => {
    expect(pageContentSecurityPolicy(['https://app.example', 'com.example.app:'])).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://app.example com.example.app:; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('keeps the API CSP on JSON endpoints', async () => {
    const response = await send('/.well-known/openid-configuration');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    // Through the global middleware: the same, plus HSTS and the rest, without the headers of obsolete browsers.
    const token = await send('/oauth/token', { method: 'POST' });
    expect(
      Object.fromEntries(
        [...token.headers].filter(
          ([name]) => !['content-type', 'content-length', 'vary', 'cache-control', 'pragma'].includes(name),
        ),
      ),
    ).toEqual({
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=15552000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it('serves the stylesheet the pages link, cacheable', async () => {
    const response = await send('/assets/style.css');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.text()).toContain(':focus-visible');
  });
});

describe('garbage input to the pages', () => {
  it.each([
    ['invalid UTF-8', new Uint8Array([0x75, 0x3d, 0xff, 0xfe]), 'application/x-www-form-urlencoded', 400],
    ['bad percent-encoding', 'username=%E0%A4%A&password=x', 'application/x-www-form-urlencoded', 400],
    ['a repeated field', 'username=a&username=b&password=x', 'application/x-www-form-urlencoded', 400],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\na\r\n--x--',
      'multipart/form-data; boundary=x',
      400,
    ],
    ['text/plain', 'username=a', 'text/plain', 400],
  ])('answers %s on /login and /signup with an HTML 4xx, never a 500', async (_label, body, contentType, status) => {
    for (const path of ['/login', '/signup']) {
      const browser = new TestBrowser();
      await browser.get(path);
      // The CSRF token cannot ride inside a garbled body, so these fail at parsing or at the token check.
      const response = await send(path, {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          Origin: 'https://issuer.test',
          Cookie: `__Host-portcullis_csrf=${'A'.repeat(43)}`,
        },
        body,
      });
      expect([status, 403]).toContain(response.status);
      expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    }
  });

  it.each([
    '/login',
    '/signup',
    '/account/applications/new',
    '/account/security',
    '/oauth/authorize/consent',
    '/device',
  ])('answers a form over 64 KiB posted to %s with the HTML 413 page, styled, before reading it', async (path) => {
    const oversized = new URLSearchParams({ padding: 'x'.repeat(70 * 1024) }).toString();
    const response = await send(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://issuer.test' },
      body: oversized,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('Request too large');
    expect(html).toContain('the request body exceeds 65536 bytes');
  });

  it('keeps the 413 JSON for a JSON sign-up and for the protocol endpoints', async () => {
    const padding = 'x'.repeat(70 * 1024);
    for (const [path, contentType] of [
      ['/signup', 'application/json'],
      ['/oauth/token', 'application/x-www-form-urlencoded'],
    ] as const) {
      const response = await send(path, { method: 'POST', headers: { 'Content-Type': contentType }, body: padding });
      expect(response.status, path).toBe(413);
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        error_description: 'the request body exceeds 65536 bytes',
      });
    }
  });

  it('answers an over-long username and password with the normal failure', async () => {
    const browser = new TestBrowser();
    await browser.get('/login');
    const response = await browser.submit('/login', { username: 'u'.repeat(5000), password: 'p'.repeat(5000) });
    expect(response.status).toBe(401);
  });

  it('answers a JSON sign-up with unexpected types and nesting with 400', async () => {
    for (const body of [
      'null',
      '"text"',
      '42',
      '{"username":{"a":1},"password":[]}',
      '{"username":"ok_name","password":"a long passphrase","email":5}',
    ]) {
      const response = await send('/signup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });
});

describe('cookies on an http://localhost issuer', () => {
  it('drops Secure and the __Host- prefix, which browsers refuse over http', async () => {
    const { request } = createTestApp({ ISSUER: 'http://localhost:8787' });
    const response = await request('/login');
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^portcullis_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/),
    ]);
  });
});
