// The account rules of upstream identities (docs/accounts.md): an upstream email never joins an existing account,
// a signed-in user links a provider by signing in to it, an upstream account links to one local account only, and
// unlinking is refused when it would leave the account no way to sign in. Also the `amr`/`acr` a federated sign-in
// gives Portcullis's own ID Tokens.
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { describe, expect, it, inject } from 'vitest';
import { NO_PASSWORD_HASH } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { createCodeClient, exchangeCode, type TokenSet } from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowserOn, submitConsent } from '../helpers/authorize';
import { loginAs } from '../helpers/browser';
import { federatedApp, signInThroughFake, throughFakeUpstream, throughOidcProvider } from '../helpers/upstream';
import { createTestUser } from '../helpers/users';

const stores = storesFor(env.DB);
const fakeIssuer = () => inject('upstreams').fake;

describe('no silent merge by email', () => {
  it('creates a new account for an upstream account whose verified email and username are an existing user’s', async () => {
    const name = `sam${crypto.randomUUID().slice(0, 6)}`;
    const { user: local } = await createTestUser({ username: name, email: `${name}@example.com`, emailVerified: true });
    const browser = federatedApp().browser();
    const sub = `sam-upstream-${crypto.randomUUID()}`;

    const response = await signInThroughFake(browser, { sub, preferredUsername: name, email: `${name}@example.com` });
    expect(response.status).toBe(303);

    const identity = await stores.upstreamIdentities.find(fakeIssuer(), sub);
    expect(identity!.userId).not.toBe(local.id);
    const created = await stores.users.findById(identity!.userId);
    // The name was taken: the new account gets it with a random suffix; the email is not copied.
    expect(created!.username).toMatch(new RegExp(`^${name}-[a-z0-9]{6}$`));
    expect(created).toMatchObject({ email: null, emailVerified: false, passwordHash: NO_PASSWORD_HASH });
    expect(await stores.upstreamIdentities.listByUser(local.id)).toEqual([]);
  });

  it('does not link an unlinked upstream account to the user already signed in; it signs in a new account', async () => {
    const testApp = federatedApp();
    const { user, browser } = await signedInBrowserOn(testApp);
    const sub = `other-${crypto.randomUUID()}`;
    expect((await signInThroughFake(browser, { sub })).status).toBe(303);
    const identity = await stores.upstreamIdentities.find(fakeIssuer(), sub);
    expect(identity!.userId).not.toBe(user.id);
    expect(await stores.upstreamIdentities.listByUser(user.id)).toEqual([]);
  });
});

describe('disabled accounts', () => {
  it('refuses a sign-in through the upstream account of a disabled user (403), with no session', async () => {
    const testApp = federatedApp();
    const sub = `disabled-${crypto.randomUUID()}`;
    expect((await signInThroughFake(testApp.browser(), { sub })).status).toBe(303);
    const { userId } = (await stores.upstreamIdentities.find(fakeIssuer(), sub))!;
    await stores.users.setDisabled(userId, true, Math.floor(Date.now() / 1000));
    const browser = testApp.browser();
    const response = await signInThroughFake(browser, { sub });
    expect(response.status).toBe(403);
    expect((await browser.get('/account')).status).toBe(302);
  });
});

describe('linking from /account/security', () => {
  it('shows each provider with a link button (its form-action allowed by the CSP)', async () => {
    const testApp = federatedApp();
    const { browser } = await signedInBrowserOn(testApp);
    const page = await browser.get('/account/security');
    expect(browser.html).toContain('action="/account/security/upstream/fake/link"');
    expect(browser.html).toContain('action="/account/security/upstream/node/link"');
    expect(page.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${inject('upstreams').oidcProvider} ${fakeIssuer()}`,
    );
  });

  it('links an upstream account after the user signs in to it, and that account then signs in as this user', async () => {
    const testApp = federatedApp();
    const { user, browser } = await signedInBrowserOn(testApp);
    await browser.get('/account/security');
    const sub = `linked-${crypto.randomUUID()}`;
    const callback = await throughFakeUpstream(await browser.submit('/account/security/upstream/fake/link', {}), {
      sub,
    });
    const linked = await browser.get(callback);
    expect(linked.status).toBe(303);
    expect(linked.headers.get('location')).toBe('/account/security');
    expect(await stores.upstreamIdentities.find(fakeIssuer(), sub)).toMatchObject({
      userId: user.id,
      providerId: 'fake',
    });
    await browser.get('/account/security');
    expect(browser.html).toContain('action="/account/security/upstream/fake/unlink"');
    expect((await stores.auditEvents.list({ userId: user.id, type: 'upstream_linked', limit: 1 }))[0]?.details).toEqual(
      {
        provider: 'fake',
      },
    );

    const elsewhere = testApp.browser();
    expect((await signInThroughFake(elsewhere, { sub })).status).toBe(303);
    expect((await elsewhere.get('/account')).status).toBe(200);
    expect(elsewhere.html).toContain(user.username);
  });

  it('refuses to link an upstream account that is linked to another user (409), changing nothing', async () => {
    const testApp = federatedApp();
    const sub = `taken-${crypto.randomUUID()}`;
    expect((await signInThroughFake(testApp.browser(), { sub })).status).toBe(303);
    const owner = (await stores.upstreamIdentities.find(fakeIssuer(), sub))!.userId;

    const { user, browser } = await signedInBrowserOn(testApp);
    await browser.get('/account/security');
    const callback = await throughFakeUpstream(await browser.submit('/account/security/upstream/fake/link', {}), {
      sub,
    });
    const response = await browser.get(callback);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('linked to another account already');
    expect((await stores.upstreamIdentities.find(fakeIssuer(), sub))!.userId).toBe(owner);
    expect(await stores.upstreamIdentities.listByUser(user.id)).toEqual([]);
  });

  it('refuses a link whose callback arrives after the browser signed in as someone else', async () => {
    const testApp = federatedApp();
    const { user, browser } = await signedInBrowserOn(testApp);
    await browser.get('/account/security');
    const start = await browser.submit('/account/security/upstream/fake/link', {});
    const other = await createTestUser();
    expect((await loginAs(browser, other.user.username, other.password)).status).toBe(303);
    const sub = `switched-${crypto.randomUUID()}`;
    const response = await browser.get(await throughFakeUpstream(start, { sub }));
    expect(response.status).toBe(403);
    expect(await stores.upstreamIdentities.find(fakeIssuer(), sub)).toBeNull();
    expect(await stores.upstreamIdentities.listByUser(user.id)).toEqual([]);
  });

  it('refuses the link form without a CSRF token', async () => {
    const { browser } = await signedInBrowserOn(federatedApp());
    await browser.get('/account/security');
    const response = await browser.submit('/account/security/upstream/fake/link', {}, { csrfToken: null });
    expect(response.status).toBe(403);
  });
});

describe('unlinking', () => {
  async function linkedBrowser() {
    const testApp = federatedApp();
    const signedIn = await signedInBrowserOn(testApp);
    await signedIn.browser.get('/account/security');
    const start = await signedIn.browser.submit('/account/security/upstream/fake/link', {});
    expect((await signedIn.browser.get(await throughFakeUpstream(start))).status).toBe(303);
    await signedIn.browser.get('/account/security');
    return { ...signedIn, testApp };
  }

  it('unlinks a provider from an account that has a password', async () => {
    const { user, browser } = await linkedBrowser();
    const response = await browser.submit('/account/security/upstream/fake/unlink', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account/security');
    expect(await stores.upstreamIdentities.listByUser(user.id)).toEqual([]);
  });

  it('refuses to unlink the only way into a password-less account (409), and offers no unlink button', async () => {
    const testApp = federatedApp();
    const browser = testApp.browser();
    const sub = `only-${crypto.randomUUID()}`;
    expect((await signInThroughFake(browser, { sub })).status).toBe(303);
    const { userId } = (await stores.upstreamIdentities.find(fakeIssuer(), sub))!;
    await browser.get('/account/security');
    expect(browser.html).not.toContain('/account/security/upstream/fake/unlink');
    expect(browser.html).toContain('only way to sign in');

    const response = await browser.submit('/account/security/upstream/fake/unlink', {});
    expect(response.status).toBe(409);
    expect(await stores.upstreamIdentities.listByUser(userId)).toHaveLength(1);
  });

  it('unlinks one of two providers of a password-less account', async () => {
    const testApp = federatedApp();
    const browser = testApp.browser();
    expect((await signInThroughFake(browser)).status).toBe(303);
    await browser.get('/account/security');
    const start = await browser.submit('/account/security/upstream/node/link', {});
    expect(start.status).toBe(303);
    // Linking node-oidc-provider too (through its own pages), then the fake may go.
    expect((await browser.get(await throughOidcProvider(start, `two${crypto.randomUUID().slice(0, 8)}`))).status).toBe(
      303,
    );
    await browser.get('/account/security');
    expect(browser.html).toContain('/account/security/upstream/fake/unlink');
    expect((await browser.submit('/account/security/upstream/fake/unlink', {})).status).toBe(303);
    await browser.get('/account/security');
    expect(browser.html).not.toContain('/account/security/upstream/node/unlink');
  });
});

describe('the amr and acr of a federated sign-in in Portcullis’s own tokens', () => {
  it('states amr ["fed"] and acr urn:portcullis:acr:upstream in the ID Token of the code flow that follows', async () => {
    const testApp = federatedApp();
    const browser = testApp.browser();
    const testClient = await createCodeClient();
    const request = await codeRequest(testClient.client);
    // The authorization request sends the browser to the login page, which offers the upstream; back to it after.
    const toLogin = await browser.get(request.path);
    expect(toLogin.status).toBe(302);
    const returnTo = new URL(toLogin.headers.get('location')!, 'https://issuer.test').searchParams.get('return_to')!;
    const signedIn = await signInThroughFake(browser, {}, returnTo);
    expect(signedIn.headers.get('location')).toBe(returnTo);
    let response = await browser.get(returnTo);
    if (response.status === 200) response = await submitConsent(browser, 'allow');
    const { code } = redirectParams(response);
    const tokens = await (await exchangeCode(testClient, { code: code!, verifier: request.verifier })).json<TokenSet>();
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.amr).toEqual(['fed']);
    expect(claims.acr).toBe('urn:portcullis:acr:upstream');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ amr: ['fed'], acr: 'urn:portcullis:acr:upstream' });
  });

  it('records the sign-in as a login with method upstream, the provider and the upstream’s own amr', async () => {
    const browser = federatedApp().browser();
    const sub = `audited-${crypto.randomUUID()}`;
    await signInThroughFake(browser, { sub });
    const { userId } = (await stores.upstreamIdentities.find(fakeIssuer(), sub))!;
    const [event] = await stores.auditEvents.list({ userId, type: 'login', limit: 1 });
    expect(event).toMatchObject({
      outcome: 'success',
      details: { method: 'upstream', provider: 'fake', created: true, upstream_amr: ['pwd', 'mfa'] },
    });
    expect((await browser.get('/account')).status).toBe(200);
  });
});
