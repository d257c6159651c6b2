// /account/security: signed-in only, the recent sign-ins, and "sign out everywhere", which ends every session of the
// user (this browser's and others') and revokes the refresh tokens of their grants, and only theirs.
import { describe, expect, it } from 'vitest';
import { createCodeClient, expectOAuthError, refreshWith, signIn } from '../helpers/authorization';
import { signedInBrowser } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestUser } from '../helpers/users';

describe('GET /account/security', () => {
  it('sends a browser without a session to the login page, and back here afterwards', async () => {
    const response = await new TestBrowser().get('/account/security');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fsecurity');
  });

  it('is linked from /account and offers signing out everywhere', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account');
    expect(browser.html).toContain('<a href="/account/security">');
    expect((await browser.get('/account/security')).status).toBe(200);
    expect(browser.html).toContain('action="/account/security/sign-out-everywhere"');
  });
});

describe('POST /account/security/sign-out-everywhere', () => {
  it('ends every session of the user and revokes their refresh tokens, leaving other users alone', async () => {
    const { user, password, browser } = await signedInBrowser();
    const elsewhere = new TestBrowser();
    expect((await loginAs(elsewhere, user.username, password)).status).toBe(303);
    const other = await signedInBrowser();
    const testClient = await createCodeClient();
    const mine = await signIn(testClient, user);
    const theirs = await signIn(testClient, other.user);

    await browser.get('/account/security');
    const response = await browser.submit('/account/security/sign-out-everywhere', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    expect(response.headers.get('set-cookie')).toMatch(/portcullis_session=;.*Max-Age=0/i);

    for (const signedOut of [browser, elsewhere]) expect((await signedOut.get('/account')).status).toBe(302);
    await expectOAuthError(
      await refreshWith(testClient, mine.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
    expect((await other.browser.get('/account')).status).toBe(200);
    expect((await refreshWith(testClient, theirs.refresh_token!)).status).toBe(200);
  });

  it('needs a session: without one the browser is sent to sign in, and nothing changes', async () => {
    const { user } = await createTestUser();
    const testClient = await createCodeClient();
    const tokens = await signIn(testClient, user);
    const anonymous = new TestBrowser();
    await anonymous.get('/login');
    const response = await anonymous.submit('/account/security/sign-out-everywhere', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fsecurity');
    expect((await refreshWith(testClient, tokens.refresh_token!)).status).toBe(200);
  });
});
