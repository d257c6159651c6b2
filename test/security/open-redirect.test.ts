// Open redirection (RFC 9700 §4.11): after login or sign-up the browser goes only to a path on this origin, whatever
// return_to says, and logout returns only to a post_logout_redirect_uri the client registered (RP-Initiated Logout §3).
import { describe, expect, it } from 'vitest';
import { createCodeClient, signIn } from '../helpers/authorization';
import { withQuery } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';

const SIGNED_OUT_URI = 'https://app.example/signed-out';

const HOSTILE_RETURN_TO = [
  'https://evil.example/',
  '//evil.example/',
  '///evil.example/',
  '/\\evil.example/',
  '\\\\evil.example/',
  '/.//evil.example/',
  '/..//evil.example/',
  '/./\\evil.example/',
  '/%2F/evil.example/',
  '/\t/evil.example/',
  '/\n/evil.example/',
  ' //evil.example/',
  'javascript:alert(1)',
  '//issuer.test@evil.example/',
  'https:evil.example',
];

/** Where a browser goes with this Location: it must stay on the issuer, and not be protocol-relative either. */
function expectSameOriginPath(location: string | null): void {
  expect(location).not.toBeNull();
  expect(location!.startsWith('/')).toBe(true);
  expect(location!.startsWith('//')).toBe(false);
  expect(location!.startsWith('/\\')).toBe(false);
  expect(new URL(location!, TEST_ISSUER).origin).toBe(TEST_ISSUER);
}

describe('open redirect through return_to (RFC 9700 §4.11.2)', () => {
  it.each(HOSTILE_RETURN_TO)('sends a login with return_to %j to a same-origin path', async (returnTo) => {
    const { user } = await createTestUser();
    const response = await loginAs(new TestBrowser(), user.username, TEST_PASSWORD, returnTo);
    expect(response.status).toBe(303);
    expectSameOriginPath(response.headers.get('location'));
  });

  it.each(HOSTILE_RETURN_TO)('sends a sign-up with return_to %j to a same-origin path', async (returnTo) => {
    const browser = new TestBrowser();
    await browser.get('/signup');
    const response = await browser.submit('/signup', {
      username: `redirect_${crypto.randomUUID().slice(0, 8)}`,
      password: 'a long passphrase',
      return_to: returnTo,
    });
    expect(response.status).toBe(303);
    expectSameOriginPath(response.headers.get('location'));
  });

  it.each(HOSTILE_RETURN_TO)('renders return_to %j on the login page as a same-origin path', async (returnTo) => {
    const browser = new TestBrowser();
    await browser.get(withQuery('/login', { return_to: returnTo }));
    const rendered = /name="return_to" value="([^"]*)"/.exec(browser.html)?.[1] ?? null;
    expectSameOriginPath(rendered?.replaceAll('&amp;', '&') ?? null);
  });
});

describe('open redirect through post_logout_redirect_uri (RP-Initiated Logout §3, RFC 9700 §4.11.2)', () => {
  it.each([
    ['an unregistered URI', 'https://evil.example/'],
    ['a prefix match', `${SIGNED_OUT_URI}/../../evil`],
    ['an added query', `${SIGNED_OUT_URI}?next=https://evil.example/`],
    ['userinfo', 'https://app.example@evil.example/signed-out'],
    ['a trailing LF', `${SIGNED_OUT_URI}\n`],
  ])('shows an error page for %s and redirects nowhere', async (_, uri) => {
    const { client } = await createCodeClient({ metadata: { post_logout_redirect_uris: [SIGNED_OUT_URI] } });
    const response = await send(withQuery('/oauth/logout', { client_id: client.id, post_logout_redirect_uri: uri }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a URI another client registered, named with an id_token_hint of this client', async () => {
    const victim = await createCodeClient({ metadata: { post_logout_redirect_uris: [SIGNED_OUT_URI] } });
    await createCodeClient({ metadata: { post_logout_redirect_uris: ['https://evil.example/out'] } });
    const { user } = await createTestUser();
    const { id_token } = await signIn(victim, user);
    const response = await send(
      withQuery('/oauth/logout', { id_token_hint: id_token!, post_logout_redirect_uri: 'https://evil.example/out' }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
