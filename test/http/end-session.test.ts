// /oauth/logout (OpenID Connect RP-Initiated Logout 1.0): an id_token_hint of the signed-in user, even expired, signs
// out at once, other signed-in requests ask to confirm; only a registered post_logout_redirect_uri is followed, with
// state; bad hints and client_ids get an error page; the confirmation is CSRF-protected.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCodeClient, signIn } from '../helpers/authorization';
import { hiddenField, signedInBrowser, withQuery } from '../helpers/authorize';
import { TestBrowser } from '../helpers/browser';
import type { TestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

const SIGNED_OUT_URI = 'https://app.example/signed-out';
const STATE = 'logout-state-1';
const SESSION_COOKIE = '__Host-portcullis_session';
const CSRF_MESSAGE =
  'This form was sent from another site, or the page has expired. Go back, reload the page and try again.';

afterEach(() => {
  vi.useRealTimers();
});

function createLogoutClient(): Promise<TestClient> {
  return createCodeClient({ name: 'Unicorn Tracker', metadata: { post_logout_redirect_uris: [SIGNED_OUT_URI] } });
}

async function expectSignedIn(browser: TestBrowser, signedIn: boolean): Promise<void> {
  expect((await browser.get('/account')).status).toBe(signedIn ? 200 : 302);
}

async function expectErrorPage(response: Response, message: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(await response.text()).toContain(`<p>${message}</p>`);
}

describe('GET /oauth/logout (OpenID Connect RP-Initiated Logout 1.0)', () => {
  it('ends the session at once for an id_token_hint of the signed-in user, returning to the registered URI with state', async () => {
    const testClient = await createLogoutClient();
    const { browser, user } = await signedInBrowser();
    const { id_token } = await signIn(testClient, user);
    const response = await browser.get(
      withQuery('/oauth/logout', { id_token_hint: id_token, post_logout_redirect_uri: SIGNED_OUT_URI, state: STATE }),
    );

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=${STATE}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=; Max-Age=0`)),
    );
    await expectSignedIn(browser, false);
  });

  it('accepts an expired id_token_hint (§2: the relying party logs out with the token it has)', async () => {
    const testClient = await createLogoutClient();
    const { browser, user } = await signedInBrowser();
    const { id_token } = await signIn(testClient, user);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60 * 60 * 1000);
    const response = await browser.get(
      withQuery('/oauth/logout', { id_token_hint: id_token, post_logout_redirect_uri: SIGNED_OUT_URI }),
    );
    expect(response.headers.get('location')).toBe(SIGNED_OUT_URI);
    await expectSignedIn(browser, false);
  });

  it('asks the user to confirm without an id_token_hint, since anyone can plant a logout link', async () => {
    const testClient = await createLogoutClient();
    const { browser, user } = await signedInBrowser();
    const response = await browser.get(
      withQuery('/oauth/logout', {
        client_id: testClient.client.id,
        post_logout_redirect_uri: SIGNED_OUT_URI,
        state: STATE,
      }),
    );

    expect(response.status).toBe(200);
    // The confirmation's answer is a redirect to the client, which form-action must allow.
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://app.example; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(browser.html).toContain('<h1>Sign out?</h1><p>Unicorn Tracker asks to sign you out.</p>');
    expect(browser.html).toContain(`Signed in as <strong>${user.username}</strong>`);
    expect(hiddenField(browser, 'logout_request')).toBe(
      new URLSearchParams({
        client_id: testClient.client.id,
        post_logout_redirect_uri: SIGNED_OUT_URI,
        state: STATE,
      }).toString(),
    );
    await expectSignedIn(browser, true);

    await browser.get(
      withQuery('/oauth/logout', {
        client_id: testClient.client.id,
        post_logout_redirect_uri: SIGNED_OUT_URI,
        state: STATE,
      }),
    );
    const confirmed = await browser.submit('/oauth/logout/confirm', {
      logout_request: hiddenField(browser, 'logout_request'),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=${STATE}`);
    await expectSignedIn(browser, false);
  });

  it('asks the user to confirm when the id_token_hint names someone else', async () => {
    const testClient = await createLogoutClient();
    const { browser } = await signedInBrowser();
    const other = await signedInBrowser();
    const { id_token } = await signIn(testClient, other.user);
    const response = await browser.get(withQuery('/oauth/logout', { id_token_hint: id_token }));
    expect(response.status).toBe(200);
    expect(browser.html).toContain('<h1>Sign out?</h1>');
    await expectSignedIn(browser, true);
  });

  it('asks without naming a client when the request names none', async () => {
    const { browser } = await signedInBrowser();
    expect((await browser.get('/oauth/logout')).status).toBe(200);
    expect(browser.html).toContain('<h1>Sign out?</h1><p>Do you want to sign out?</p>');
  });

  it('returns straight to the client when nobody is signed in', async () => {
    const testClient = await createLogoutClient();
    const response = await new TestBrowser().get(
      withQuery('/oauth/logout', {
        client_id: testClient.client.id,
        post_logout_redirect_uri: SIGNED_OUT_URI,
        state: STATE,
      }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${SIGNED_OUT_URI}?state=${STATE}`);
  });

  it('shows that the user is signed out when there is nowhere to return to', async () => {
    const browser = new TestBrowser();
    const response = await browser.get('/oauth/logout');
    expect(response.status).toBe(200);
    expect(browser.html).toContain('<h1>You are signed out</h1><p>You have been signed out.</p>');
  });

  it('never redirects to an unregistered post_logout_redirect_uri (§3)', async () => {
    const testClient = await createLogoutClient();
    const response = await send(
      withQuery('/oauth/logout', {
        client_id: testClient.client.id,
        post_logout_redirect_uri: 'https://evil.example/',
      }),
      { redirect: 'manual' },
    );
    await expectErrorPage(
      response,
      'The post_logout_redirect_uri is not one the application registered, so you are not sent there.',
    );
  });

  it('treats a stored post_logout_redirect_uri with a line break as not registered, instead of failing (no 500)', async () => {
    // Stored before registration refused control characters; the exact value is asked for.
    const broken = 'https://app.example/bye\r\nSet-Cookie: a=b';
    const testClient = await createCodeClient({ metadata: { post_logout_redirect_uris: [broken] } });
    const response = await send(
      withQuery('/oauth/logout', { client_id: testClient.client.id, post_logout_redirect_uri: broken }),
      { redirect: 'manual' },
    );
    await expectErrorPage(
      response,
      'The post_logout_redirect_uri is not one the application registered, so you are not sent there.',
    );
  });

  it('refuses a post_logout_redirect_uri without a client to check it against', async () => {
    const response = await send(withQuery('/oauth/logout', { post_logout_redirect_uri: SIGNED_OUT_URI }), {
      redirect: 'manual',
    });
    await expectErrorPage(response, 'A post_logout_redirect_uri needs a client_id or an id_token_hint.');
  });

  it('refuses a client_id that differs from the id_token_hint', async () => {
    const testClient = await createLogoutClient();
    const other = await createLogoutClient();
    const { user } = await signedInBrowser();
    const { id_token } = await signIn(testClient, user);
    await expectErrorPage(
      await send(withQuery('/oauth/logout', { id_token_hint: id_token!, client_id: other.client.id })),
      'The client_id does not match the id_token_hint.',
    );
  });

  it('refuses an id_token_hint that is not an ID Token from this server', async () => {
    const testClient = await createLogoutClient();
    const { user } = await signedInBrowser();
    const { access_token, id_token } = await signIn(testClient, user);
    const [header, payload] = id_token!.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    for (const hint of [access_token, forged, 'not-a-jwt']) {
      await expectErrorPage(
        await send(withQuery('/oauth/logout', { id_token_hint: hint })),
        'The id_token_hint is not an ID Token from this server.',
      );
    }
  });

  it('refuses an unknown client_id', async () => {
    await expectErrorPage(
      await send(withQuery('/oauth/logout', { client_id: 'no-such-client' })),
      'The application that sent you here (client_id) is not registered.',
    );
  });
});

describe('POST /oauth/logout and /oauth/logout/confirm', () => {
  it('continues a posted request as a GET, which carries the SameSite=Lax session cookie', async () => {
    const testClient = await createLogoutClient();
    const body = new URLSearchParams({
      client_id: testClient.client.id,
      post_logout_redirect_uri: SIGNED_OUT_URI,
      state: STATE,
      ui_locales: 'de',
    });
    const response = await send('/oauth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      withQuery('/oauth/logout', {
        client_id: testClient.client.id,
        post_logout_redirect_uri: SIGNED_OUT_URI,
        state: STATE,
      }),
    );
  });

  it('refuses a cross-site confirmation and keeps the session', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/oauth/logout');
    const response = await browser.submit(
      '/oauth/logout/confirm',
      { logout_request: '' },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(CSRF_MESSAGE);
    await expectSignedIn(browser, true);
  });

  it('refuses a confirmation without the CSRF token', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/oauth/logout');
    expect((await browser.submit('/oauth/logout/confirm', { logout_request: '' }, { csrfToken: null })).status).toBe(
      403,
    );
    await expectSignedIn(browser, true);
  });

  it('is advertised as the end_session_endpoint', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.end_session_endpoint).toBe(`${TEST_ISSUER}/oauth/logout`);
  });
});
