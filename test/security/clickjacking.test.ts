// Clickjacking (RFC 9700 §4.16, RFC 6819 §4.4.1.9): every HTML response, pages and error pages alike, forbids framing
// with CSP frame-ancestors 'none' and X-Frame-Options DENY (RFC 7034) for browsers without CSP 2.
import { describe, expect, it } from 'vitest';
import { createPublicCodeClient } from '../helpers/authorization';
import { codeRequest, signedInBrowser, withQuery } from '../helpers/authorize';
import { TestBrowser } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { send } from '../helpers/http';

type HtmlRequest = [name: string, request: () => Promise<Response>];

async function signedIn(path: string): Promise<Response> {
  const { browser } = await signedInBrowser();
  return browser.get(path);
}

const HTML_RESPONSES: HtmlRequest[] = [
  ['the login page', () => new TestBrowser().get('/login')],
  ['the sign-up page', () => new TestBrowser().get('/signup')],
  ['the account page', () => signedIn('/account')],
  ['the applications list', () => signedIn('/account/applications')],
  ['the new application form', () => signedIn('/account/applications/new')],
  [
    'an application page and its delete confirmation',
    async () => {
      const { browser, user } = await signedInBrowser();
      const { client } = await createTestClient({ ownerUserId: user.id });
      expect((await browser.get(`/account/applications/${client.id}`)).status).toBe(200);
      return browser.get(`/account/applications/${client.id}/delete`);
    },
  ],
  ['the authorizations list', () => signedIn('/account/authorizations')],
  ['the device code entry page (RFC 8628 §3.3)', () => signedIn('/device')],
  [
    'the consent page',
    async () => {
      const { client } = await createPublicCodeClient();
      return signedIn((await codeRequest(client)).path);
    },
  ],
  ['the logout confirmation', () => signedIn('/oauth/logout')],
  ['the signed-out page', () => new TestBrowser().get('/oauth/logout')],
  [
    'the authorize error page (unknown client)',
    () => send('/oauth/authorize?client_id=nobody', { redirect: 'manual' }),
  ],
  ['the logout error page (bad id_token_hint)', () => send('/oauth/logout?id_token_hint=x.y.z')],
  [
    'a failed login (401)',
    async () => {
      const browser = new TestBrowser();
      await browser.get('/login');
      return browser.submit('/login', { username: 'nobody', password: 'wrong password' });
    },
  ],
  [
    'a login without fields (400)',
    async () => {
      const browser = new TestBrowser();
      await browser.get('/login');
      return browser.submit('/login', {});
    },
  ],
  [
    'a CSRF refusal (403)',
    () => new TestBrowser().submit('/login', { username: 'a', password: 'b' }, { csrfToken: null }),
  ],
  ['an unknown application (404)', () => signedIn('/account/applications/no-such-client')],
  [
    'the body limit’s 413 to a page form',
    () => new TestBrowser().submit('/login', { password: 'x'.repeat(70 * 1024) }, { csrfToken: null }),
  ],
];

describe('clickjacking defence on every HTML response (RFC 9700 §4.16, RFC 6819 §4.4.1.9)', () => {
  it.each(HTML_RESPONSES)('forbids framing %s', async (_, request) => {
    const response = await request();
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('forbids framing JSON answers too', async () => {
    for (const response of [
      await send('/.well-known/openid-configuration'),
      await send('/oauth/token'),
      await send('/no-such-path'),
    ]) {
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('the login page cannot be framed into a phishing page with a chosen return_to', () => {
  it('renders an unsafe return_to as the account page', async () => {
    const response = await new TestBrowser().get(withQuery('/login', { return_to: 'https://evil.example/' }));
    expect(await response.text()).toContain('name="return_to" value="/account"');
  });
});
