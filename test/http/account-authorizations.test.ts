// /account/authorizations: the user's consents, newest first, and no one else's; revoking one deletes that consent
// and revokes the user's refresh tokens and unredeemed codes for that client only, leaving other users and clients
// alone; CSRF-protected, and a signed-out browser is sent to log in.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import type { Client, User } from '../../src/storage/types';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient, exchangeCode, expectOAuthError, issueTestCode, refreshWith } from '../helpers/authorization';
import { loginAs, TestBrowser } from '../helpers/browser';
import type { TestClient } from '../helpers/clients';
import { createTestUser } from '../helpers/users';

const CSRF_MESSAGE =
  'This form was sent from another site, or the page has expired. Go back, reload the page and try again.';
const JAN_15_2027 = 1_800_000_000;
const stores = () => storesFor(env.DB);

async function signedInBrowser() {
  const { user, password } = await createTestUser();
  const browser = new TestBrowser();
  expect((await loginAs(browser, user.username, password)).status).toBe(303);
  return { browser, user };
}

/** A live refresh token of `user` for `client`, stored hashed as the token endpoint stores them; returns it in clear. */
async function storeRefreshToken(client: Client, user: User): Promise<string> {
  const token = generateOpaqueToken();
  const now = Math.floor(Date.now() / 1000);
  await stores().refreshTokens.create({
    tokenHash: await hashOpaqueToken(token),
    grantId: generateOpaqueToken(16),
    clientId: client.id,
    userId: user.id,
    scopes: ['openid', 'offline_access', 'read'],
    resources: [],
    authTime: now - 60,
    createdAt: now,
    expiresAt: now + 3600,
    grantExpiresAt: now + 7200,
    rotatedAt: null,
    revokedAt: null,
  });
  return token;
}

function grant(user: User, { client }: TestClient, scopes: string[], nowSeconds = JAN_15_2027) {
  return stores().consents.upsert({ userId: user.id, clientId: client.id, scopes }, nowSeconds);
}

describe('/account/authorizations', () => {
  it("lists the applications the user has authorized, most recent first, with scopes and date, and no one else's", async () => {
    const { browser, user } = await signedInBrowser();
    const { user: other } = await createTestUser();
    const printer = await createCodeClient({ name: 'Photo printer' });
    const calendar = await createCodeClient({ name: 'Calendar sync' });
    await grant(user, printer, ['openid', 'read']);
    await grant(user, calendar, ['openid', 'offline_access'], JAN_15_2027 + 86_400);
    await grant(other, await createCodeClient({ name: 'Not granted by this user' }), ['read']);

    const response = await browser.get('/account/authorizations');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const items = [
      ...browser.html.matchAll(/<li><strong>([^<]*)<\/strong><dl>(.*?)<\/dl><form method="post" action="([^"]*)">/g),
    ].map((match) => match.slice(1));
    expect(items).toEqual([
      [
        'Calendar sync',
        '<dt>Access</dt><dd><code>openid offline_access</code></dd><dt>Authorized</dt><dd><time datetime="2027-01-16T08:00:00.000Z">2027-01-16</time></dd>',
        `/account/authorizations/${calendar.client.id}/revoke`,
      ],
      [
        'Photo printer',
        '<dt>Access</dt><dd><code>openid read</code></dd><dt>Authorized</dt><dd><time datetime="2027-01-15T08:00:00.000Z">2027-01-15</time></dd>',
        `/account/authorizations/${printer.client.id}/revoke`,
      ],
    ]);
    expect(browser.html).not.toContain('Not granted by this user');
  });

  it('says so when nothing is authorized', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/authorizations');
    expect(browser.html).toContain('<p>You have not authorized any application.</p>');
  });

  it("revokes one authorization: the consent goes and the user's refresh tokens for that client stop working", async () => {
    const { browser, user } = await signedInBrowser();
    const { user: other } = await createTestUser();
    const printer = await createCodeClient({ name: 'Photo printer' });
    const calendar = await createCodeClient({ name: 'Calendar sync' });
    await grant(user, printer, ['openid', 'read']);
    await grant(user, calendar, ['openid']);
    await grant(other, printer, ['read']);
    const revokedToken = await storeRefreshToken(printer.client, user);
    const otherClientToken = await storeRefreshToken(calendar.client, user);
    const otherUserToken = await storeRefreshToken(printer.client, other);

    // The list is empty, so the form is crafted, with the token of the account page.
    await browser.get('/account');
    const response = await browser.submit(`/account/authorizations/${printer.client.id}/revoke`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account/authorizations');

    expect(await stores().consents.find(user.id, printer.client.id)).toBeNull();
    expect(await stores().refreshTokens.findByHash(await hashOpaqueToken(revokedToken))).toMatchObject({
      revokedAt: expect.any(Number),
    });
    await expectOAuthError(
      await refreshWith(printer, revokedToken),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
    // The user's grant to another client, and another user's grant to this client, are untouched.
    expect(await stores().consents.find(user.id, calendar.client.id)).toMatchObject({ scopes: ['openid'] });
    expect(await stores().consents.find(other.id, printer.client.id)).toMatchObject({ scopes: ['read'] });
    expect((await refreshWith(calendar, otherClientToken)).status).toBe(200);
    expect((await refreshWith(printer, otherUserToken)).status).toBe(200);

    await browser.follow(response);
    expect(browser.html).toContain('<strong>Calendar sync</strong>');
    expect(browser.html).not.toContain('Photo printer');
  });

  it('deletes the codes the user has not redeemed yet, so none of them becomes a refresh token afterwards', async () => {
    const { browser, user } = await signedInBrowser();
    const printer = await createCodeClient();
    await grant(user, printer, ['openid', 'read']);
    const pending = await issueTestCode(printer.client, user);
    const other = await issueTestCode(printer.client, (await createTestUser()).user);

    await browser.get('/account/authorizations');
    expect((await browser.submit(`/account/authorizations/${printer.client.id}/revoke`, {})).status).toBe(303);
    await expectOAuthError(
      await exchangeCode(printer, pending),
      400,
      'invalid_grant',
      'the authorization code is invalid',
    );
    expect((await exchangeCode(printer, other)).status).toBe(200);
  });

  it("changes nothing when revoking what the user has not authorized, another user's grant included", async () => {
    const { browser } = await signedInBrowser();
    const { user: other } = await createTestUser();
    const printer = await createCodeClient();
    await grant(other, printer, ['read']);
    const otherUserToken = await storeRefreshToken(printer.client, other);

    // The list is empty, so the form is crafted, with the token of the account page.
    await browser.get('/account');
    const response = await browser.submit(`/account/authorizations/${printer.client.id}/revoke`, {});
    expect(response.status).toBe(303);
    expect(await stores().consents.find(other.id, printer.client.id)).not.toBeNull();
    expect((await refreshWith(printer, otherUserToken)).status).toBe(200);
  });

  it('refuses a revocation without a valid CSRF token or from another origin (403)', async () => {
    const { browser, user } = await signedInBrowser();
    const printer = await createCodeClient();
    await grant(user, printer, ['read']);
    await browser.get('/account/authorizations');
    const csrfToken = browser.csrfToken();
    for (const options of [
      { origin: 'https://evil.example', csrfToken },
      { csrfToken: null },
      { csrfToken: 'A'.repeat(43) },
    ]) {
      const response = await browser.submit(`/account/authorizations/${printer.client.id}/revoke`, {}, options);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain(`<h1>Request refused</h1><p>${CSRF_MESSAGE}</p>`);
    }
    expect(await stores().consents.find(user.id, printer.client.id)).not.toBeNull();
  });

  it('sends a signed-out browser to the login page', async () => {
    const response = await new TestBrowser().get('/account/authorizations');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fauthorizations');
  });
});
