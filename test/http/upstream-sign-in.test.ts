// Sign-in through upstream OpenID providers (docs/accounts.md "Upstream identity providers"): the whole round trip
// through node-oidc-provider's own pages, and every check of the callback and the ID Token failing on its own
// against the test-controlled upstream, each answered with a 4xx page and no session.
import { env } from 'cloudflare:test';
import { describe, expect, it, inject } from 'vitest';
import { NO_PASSWORD_HASH } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { TestBrowser } from '../helpers/browser';
import { UPSTREAM_SIGN_IN_RATE_LIMIT } from '../../src/http/upstream-sign-in';
import type { FakeUpstreamFault } from '../setup/fake-upstream';
import { federatedApp, signInThroughFake, throughFakeUpstream, throughOidcProvider } from '../helpers/upstream';

const stores = storesFor(env.DB);

async function expectSignedIn(browser: TestBrowser, expected: boolean): Promise<void> {
  const response = await browser.get('/account');
  expect(response.status).toBe(expected ? 200 : 302);
}

describe('sign-in through node-oidc-provider', () => {
  it('creates a password-less user linked to (issuer, sub) on the first sign-in, and signs the same user in on the second', async () => {
    const testApp = federatedApp();
    const login = `ada${crypto.randomUUID().slice(0, 8)}`;

    const first = testApp.browser();
    const start = await first.get('/upstream/node?return_to=%2Faccount');
    const done = await first.get(await throughOidcProvider(start, login));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    await expectSignedIn(first, true);

    const identity = await stores.upstreamIdentities.find(inject('upstreams').oidcProvider, login);
    expect(identity).toMatchObject({ providerId: 'node', subject: login });
    const user = await stores.users.findById(identity!.userId);
    expect(user).toMatchObject({ username: login, passwordHash: NO_PASSWORD_HASH, email: null, isAdmin: false });

    const second = testApp.browser();
    const again = await second.get(await throughOidcProvider(await second.get('/upstream/node'), login));
    expect(again.status).toBe(303);
    await expectSignedIn(second, true);
    expect(second.html).toContain(login);
    expect(await stores.upstreamIdentities.listByUser(user!.id)).toHaveLength(1);
    // Both sign-ins may fall in one second, which leaves the newest-first order of the events open.
    const logins = await stores.auditEvents.list({ userId: user!.id, type: 'login', limit: 5 });
    expect(logins.map((event) => event.details).sort((a, b) => Number(a?.created) - Number(b?.created))).toEqual([
      { method: 'upstream', provider: 'node', created: false, upstream_amr: null },
      { method: 'upstream', provider: 'node', created: true, upstream_amr: null },
    ]);
  });

  it('returns to the authorization request the sign-in began at (return_to survives the round trip)', async () => {
    const testApp = federatedApp();
    const browser = testApp.browser();
    const returnTo = '/oauth/authorize?client_id=abc&scope=openid&state=xyz';
    const start = await browser.get(`/upstream/node?return_to=${encodeURIComponent(returnTo)}`);
    const done = await browser.get(await throughOidcProvider(start, `grace${crypto.randomUUID().slice(0, 8)}`));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(returnTo);
  });

  it('sends PKCE S256, state and nonce, and registers the callback as its redirect_uri', async () => {
    const start = await federatedApp().browser().get('/upstream/node');
    const authorize = new URL(start.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${inject('upstreams').oidcProvider}/auth`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'portcullis-at-node-oidc-provider',
      redirect_uri: 'https://issuer.test/upstream/node/callback',
      scope: 'openid email profile',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('state')).not.toBe(authorize.searchParams.get('nonce'));
    expect(start.headers.get('set-cookie')).toMatch(
      /^__Host-portcullis_upstream=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
  });

  it('is offered on the login page, keeping the return_to, and only where providers are configured', async () => {
    const browser = federatedApp().browser();
    await browser.get('/login?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dx');
    expect(browser.html).toContain('href="/upstream/node?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dx"');
    expect(browser.html).toContain('Continue with Node OIDC');
    expect(browser.html).toContain('Continue with Fake IdP');
    const plain = new TestBrowser();
    await plain.get('/login');
    expect(plain.html).not.toContain('Continue with');
  });

  it('limits the sign-ins one address may start (each writes a D1 row): 429 with Retry-After', async () => {
    const browser = federatedApp().browser();
    for (let started = 0; started < UPSTREAM_SIGN_IN_RATE_LIMIT.limit; started++) {
      expect((await browser.get('/upstream/fake')).status).toBe(303);
    }
    const refused = await browser.get('/upstream/fake');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers an unknown provider with a 404 page', async () => {
    const response = await federatedApp().browser().get('/upstream/nobody');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('the checks of an upstream sign-in, each failing on its own', () => {
  const cases: Array<{ fault: FakeUpstreamFault; what: string; status: number; says: RegExp }> = [
    {
      fault: 'signature',
      what: 'an ID Token whose signature does not verify with the upstream JWKS',
      status: 400,
      says: /signature/i,
    },
    { fault: 'aud', what: 'an ID Token for another audience (OIDC Core §3.1.3.7 step 3)', status: 400, says: /aud/ },
    {
      fault: 'aud-without-azp',
      what: 'an ID Token with several audiences and no azp (§3.1.3.7 steps 4-5)',
      status: 400,
      says: /aud/,
    },
    { fault: 'iss', what: 'an ID Token from another issuer (§3.1.3.7 step 2)', status: 400, says: /iss/ },
    { fault: 'nonce', what: "an ID Token with another request's nonce (§3.1.3.7 step 11)", status: 400, says: /nonce/ },
    { fault: 'expired', what: 'an expired ID Token (§3.1.3.7 step 9)', status: 400, says: /exp/ },
    {
      fault: 'state',
      what: "a callback whose state is not this browser's (RFC 6749 §10.12)",
      status: 400,
      says: /state/,
    },
    {
      fault: 'iss-parameter',
      what: 'a callback whose iss names another issuer (RFC 9207 §2.4)',
      status: 400,
      says: /iss/,
    },
    {
      fault: 'access-denied',
      what: 'an error from the upstream (RFC 6749 §4.1.2.1)',
      status: 403,
      says: /did not sign you in/,
    },
  ];

  for (const { fault, what, status, says } of cases) {
    it(`refuses ${what} with a ${status} page, no session and no account`, async () => {
      const browser = federatedApp().browser();
      const sub = `victim-${crypto.randomUUID()}`;
      const response = await signInThroughFake(browser, { sub, fault });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await response.text()).toMatch(says);
      expect(response.headers.get('set-cookie') ?? '').not.toMatch(/portcullis_session=[^;]/);
      await expectSignedIn(browser, false);
      expect(await stores.upstreamIdentities.find(inject('upstreams').fake, sub)).toBeNull();
    });
  }

  it('signs in when nothing is wrong (the control case of the faults above)', async () => {
    const browser = federatedApp().browser();
    const response = await signInThroughFake(browser, { fault: 'none' });
    expect(response.status).toBe(303);
    await expectSignedIn(browser, true);
  });

  it('refuses a callback presented a second time (state is single use)', async () => {
    const browser = federatedApp().browser();
    const callback = await throughFakeUpstream(await browser.get('/upstream/fake'));
    const cookie = browser.cookie('__Host-portcullis_upstream');
    expect((await browser.get(callback)).status).toBe(303);
    // The same browser again, its cookie put back: the pending sign-in is spent.
    const replay = federatedApp().browser();
    await replay.get('/login');
    const response = await replayWithCookie(replay, callback, cookie!);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('was used already');
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    const testApp = federatedApp();
    const callback = await throughFakeUpstream(await testApp.browser().get('/upstream/fake'));
    const other = testApp.browser();
    const response = await other.get(callback);
    expect(response.status).toBe(400);
    await expectSignedIn(other, false);
  });
});

/** GETs `url` with the upstream cookie set to `value`, as a browser that kept it would. */
function replayWithCookie(browser: TestBrowser, url: string, value: string): Promise<Response> {
  return federatedApp().request(new URL(url).pathname + new URL(url).search, {
    headers: { Cookie: `__Host-portcullis_upstream=${value}`, 'CF-Connecting-IP': browser.clientIp },
  }) as Promise<Response>;
}
