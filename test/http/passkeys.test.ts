// Passkeys (WebAuthn Level 3) through the pages, answered by a software authenticator (test/helpers/webauthn.ts):
// adding, renaming and removing them on /account/security, signing in on /login, a passkey-only sign-up; and every
// response the relying party must refuse (§7.1, §7.2) answered with a 4xx page, never a 500, and no session.
import { env } from 'cloudflare:test';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { NO_PASSWORD_HASH } from '../../src/accounts/password-hash';
import { IP_THROTTLE } from '../../src/accounts/login-throttle';
import { CEREMONY_RATE_LIMIT } from '../../src/http/passkey-ceremony';
import { PASSKEY_AMR, acrOf } from '../../src/oauth/authentication-context';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { signedInBrowser } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { SoftwareAuthenticator, type ResponseOverrides } from '../helpers/webauthn';

const stores = () => storesFor(env.DB);

async function addPasskey(
  browser: TestBrowser,
  authenticator: SoftwareAuthenticator,
  { name = 'Laptop', ...overrides }: ResponseOverrides & { name?: string } = {},
): Promise<Response> {
  await browser.get('/account/security');
  const options = await browser.submit('/account/security/passkeys/options', {});
  expect(options.status).toBe(200);
  expect(options.headers.get('cache-control')).toBe('no-store');
  const credential = await authenticator.register(await options.json(), overrides);
  return browser.submit('/account/security/passkeys', { name, response: JSON.stringify(credential) });
}

/** The login page's passkey button: options, the authenticator's assertion, the post. */
async function signInWithPasskey(
  browser: TestBrowser,
  authenticator: SoftwareAuthenticator,
  overrides: ResponseOverrides & { credentialId?: string } = {},
): Promise<{ response: Response; posted: string }> {
  await browser.get('/login');
  const options = await browser.submit('/login/passkey/options', {});
  expect(options.status).toBe(200);
  const posted = JSON.stringify(await authenticator.assert(await options.json(), overrides));
  const response = await browser.submit('/login/passkey', { return_to: '/account', response: posted });
  return { response, posted };
}

async function userWithPasskey(authenticator = new SoftwareAuthenticator()) {
  const signedIn = await signedInBrowser();
  expect((await addPasskey(signedIn.browser, authenticator)).status).toBe(303);
  return { ...signedIn, authenticator };
}

async function expectRefusedSignIn(response: Response, browser: TestBrowser, status: number, message: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await response.text()).toContain(message);
  expect(browser.cookie('__Host-portcullis_session')).toBeUndefined();
}

async function sessionOf(browser: TestBrowser) {
  return stores().sessions.findActive(browser.cookie('__Host-portcullis_session')!, Math.floor(Date.now() / 1000));
}

describe('adding passkeys on /account/security', () => {
  it('registers a discoverable, user-verified passkey and lists it by name', async () => {
    const { browser, user } = await signedInBrowser();
    await browser.get('/account/security');
    const options = await (await browser.submit('/account/security/passkeys/options', {})).json<{
      rp: { id: string };
      authenticatorSelection: unknown;
      attestation: string;
    }>();
    expect(options.rp.id).toBe('issuer.test');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.attestation).toBe('none');

    const authenticator = new SoftwareAuthenticator();
    const response = await addPasskey(browser, authenticator, { name: 'Work laptop' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account/security');
    const [passkey] = await stores().passkeys.listByUser(user.id);
    expect(passkey).toMatchObject({
      id: authenticator.credentialIds[0],
      name: 'Work laptop',
      counter: 0,
      transports: ['internal'],
      backupEligible: true,
      backedUp: true,
      lastUsedAt: null,
    });
    await browser.get('/account/security');
    expect(browser.html).toContain('<strong>Work laptop</strong> · synced');
  });

  it('excludes the passkeys the user has already, so an authenticator is not added twice', async () => {
    const { browser, authenticator } = await userWithPasskey();
    const options = await (await browser.submit('/account/security/passkeys/options', {})).json<{
      excludeCredentials: Array<{ id: string }>;
    }>();
    expect(options.excludeCredentials.map(({ id }) => id)).toEqual(authenticator.credentialIds);
  });

  it('refuses a registration without user verification (§7.1 step 15), storing nothing', async () => {
    const { browser, user } = await signedInBrowser();
    const response = await addPasskey(browser, new SoftwareAuthenticator(), { userVerified: false });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The passkey could not be verified. Try again.');
    expect(await stores().passkeys.listByUser(user.id)).toEqual([]);
  });

  it('refuses a registration from another origin (§7.1 step 9)', async () => {
    const { browser, user } = await signedInBrowser();
    const response = await addPasskey(browser, new SoftwareAuthenticator(), { origin: 'https://issuer.test.evil' });
    expect(response.status).toBe(400);
    expect(await stores().passkeys.listByUser(user.id)).toEqual([]);
  });

  it('renames a passkey, and removes it', async () => {
    const { browser, user, authenticator } = await userWithPasskey();
    const [id] = authenticator.credentialIds;
    await browser.get('/account/security');
    expect((await browser.submit(`/account/security/passkeys/${id}/rename`, { name: ' Phone ' })).status).toBe(303);
    expect((await stores().passkeys.findById(id!))?.name).toBe('Phone');
    await browser.get('/account/security');
    expect(browser.html).toContain('<strong>Phone</strong>');
    const unnamed = await browser.submit(`/account/security/passkeys/${id}/rename`, { name: '  ' });
    expect(unnamed.status).toBe(400);
    expect(await unnamed.text()).toContain('Give the passkey a name.');
    await browser.get('/account/security');
    expect((await browser.submit(`/account/security/passkeys/${id}/delete`, {})).status).toBe(303);
    expect(await stores().passkeys.listByUser(user.id)).toEqual([]);
  });

  it('lets no one rename or remove another user’s passkey', async () => {
    const owner = await userWithPasskey();
    const [id] = owner.authenticator.credentialIds;
    const { browser } = await signedInBrowser();
    await browser.get('/account/security');
    const removal = await browser.submit(`/account/security/passkeys/${id}/delete`, {});
    expect(removal.status).toBe(404);
    expect(await removal.text()).toContain('No such passkey on your account.');
    await browser.get('/account/security');
    expect((await browser.submit(`/account/security/passkeys/${id}/rename`, { name: 'Mine now' })).status).toBe(404);
    expect(await stores().passkeys.findById(id!)).toMatchObject({ userId: owner.user.id, name: 'Laptop' });
  });
});

describe('signing in with a passkey on /login', () => {
  it('starts a session with the passkey’s methods (amr pop, user, mfa; acr phr) and records the sign-in', async () => {
    const { user, authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, authenticator);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    const session = await sessionOf(browser);
    expect(session).toMatchObject({ user: { id: user.id }, amr: [...PASSKEY_AMR] });
    expect(session!.authTime).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
    expect(acrOf(session!.amr)).toBe('phr');
    expect((await stores().passkeys.findById(authenticator.credentialIds[0]!))?.counter).toBe(1);
    // The password sign-in that added the passkey may share its second: look among the latest.
    const events = await stores().auditEvents.list({ userId: user.id, type: 'login', limit: 5 });
    expect(events).toContainEqual(expect.objectContaining({ outcome: 'success', details: { method: 'passkey' } }));
  });

  it('offers the passkey button and autofill (conditional mediation) on the login page, with its scripts allowed', async () => {
    const browser = new TestBrowser();
    const page = await browser.get('/login');
    const html = await page.text();
    expect(html).toContain('autocomplete="username webauthn"');
    expect(html).toContain('data-passkey="sign-in"');
    const nonce = /<script nonce="([^"]+)" src="\/assets\/simplewebauthn-browser.umd.min.js"/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}" src="/assets/passkeys.js"`);
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'nonce-${nonce}'`);
  });

  it('offers EdDSA, ES256 and RS256 keys (pubKeyCredParams, COSE -8, -7, -257)', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/security');
    const options = await (await browser.submit('/account/security/passkeys/options', {})).json<{
      pubKeyCredParams: Array<{ type: string; alg: number }>;
    }>();
    expect(options.pubKeyCredParams).toEqual([-8, -7, -257].map((alg) => ({ type: 'public-key', alg })));
  });

  for (const algorithm of ['EdDSA', 'RS256'] as const) {
    it(`signs in with an ${algorithm} passkey, and refuses its assertion with a damaged signature (§7.2 step 21)`, async () => {
      const { user, authenticator } = await userWithPasskey(new SoftwareAuthenticator(algorithm));
      const browser = new TestBrowser();
      expect((await signInWithPasskey(browser, authenticator)).response.status).toBe(303);
      expect(await sessionOf(browser)).toMatchObject({ user: { id: user.id } });

      const refused = new TestBrowser();
      await refused.get('/login');
      const options = await (await refused.submit('/login/passkey/options', {})).json<{ challenge: string }>();
      const assertion = await authenticator.assert(options);
      const signature = base64url.decode(assertion.response.signature);
      signature[10]! ^= 0xff;
      assertion.response.signature = base64url.encode(signature);
      const response = await refused.submit('/login/passkey', {
        return_to: '/account',
        response: JSON.stringify(assertion),
      });
      await expectRefusedSignIn(response, refused, 401, 'The passkey could not be verified. Try again.');
    });
  }

  it('refuses an assertion made for another origin (§7.2 step 13)', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, authenticator, { origin: 'https://phish.example' });
    await expectRefusedSignIn(response, browser, 401, 'The passkey could not be verified. Try again.');
  });

  it('refuses an assertion for another RP ID (§7.2 step 15)', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, authenticator, { rpId: 'phish.example' });
    await expectRefusedSignIn(response, browser, 401, 'The passkey could not be verified. Try again.');
  });

  it('refuses an assertion without user verification (§7.2 step 17)', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, authenticator, { userVerified: false });
    await expectRefusedSignIn(response, browser, 401, 'The passkey could not be verified. Try again.');
  });

  it('refuses a signature counter that did not grow (§7.2 step 22: a cloned authenticator)', async () => {
    const { authenticator } = await userWithPasskey();
    expect((await signInWithPasskey(new TestBrowser(), authenticator, { counter: 5 })).response.status).toBe(303);
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, authenticator, { counter: 5 });
    await expectRefusedSignIn(response, browser, 401, 'The passkey could not be verified. Try again.');
    expect((await stores().passkeys.findById(authenticator.credentialIds[0]!))?.counter).toBe(5);
  });

  it('refuses a credential that is not registered', async () => {
    await userWithPasskey();
    const stranger = new SoftwareAuthenticator();
    await stranger.register({ challenge: 'unused', user: { id: 'someone' } });
    const browser = new TestBrowser();
    const { response } = await signInWithPasskey(browser, stranger);
    await expectRefusedSignIn(
      response,
      browser,
      401,
      'This passkey is not registered here, or its account is disabled.',
    );
  });

  it('refuses a replayed assertion: the challenge was consumed by its first use', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    const { response, posted } = await signInWithPasskey(browser, authenticator);
    expect(response.status).toBe(303);
    const replayer = new TestBrowser();
    await replayer.get('/login');
    await replayer.submit('/login/passkey/options', {});
    const replay = await replayer.submit('/login/passkey', { return_to: '/account', response: posted });
    await expectRefusedSignIn(replay, replayer, 401, 'The passkey could not be verified. Try again.');
    // The same browser posting it again has no ceremony left at all.
    await browser.get('/login');
    const again = await browser.submit('/login/passkey', { return_to: '/account', response: posted });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('The passkey request expired or was already used. Try again.');
  });

  it('refuses an answer to an expired challenge', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    await browser.get('/login');
    const options = await (await browser.submit('/login/passkey/options', {})).json<{ challenge: string }>();
    const token = browser.cookie('__Host-portcullis_webauthn')!;
    await env.DB.prepare('UPDATE webauthn_challenges SET expires_at = 0 WHERE token_hash = ?')
      .bind(await hashOpaqueToken(token))
      .run();
    const response = await browser.submit('/login/passkey', {
      return_to: '/account',
      response: JSON.stringify(await authenticator.assert(options)),
    });
    await expectRefusedSignIn(response, browser, 400, 'The passkey request expired or was already used. Try again.');
  });

  it('refuses a challenge given to another browser (the ceremony is bound to its cookie)', async () => {
    const { authenticator } = await userWithPasskey();
    const first = new TestBrowser();
    await first.get('/login');
    const options = await (await first.submit('/login/passkey/options', {})).json<{ challenge: string }>();
    const other = new TestBrowser();
    await other.get('/login');
    await other.submit('/login/passkey/options', {});
    const response = await other.submit('/login/passkey', {
      return_to: '/account',
      response: JSON.stringify(await authenticator.assert(options)),
    });
    await expectRefusedSignIn(response, other, 401, 'The passkey could not be verified. Try again.');
  });

  it('answers malformed responses with a 400 page, never a 500', async () => {
    const browser = new TestBrowser();
    for (const posted of ['', 'not json', '[]', '{"id":"x"}', JSON.stringify({ id: '!', rawId: '!', type: 'x' })]) {
      await browser.get('/login');
      await browser.submit('/login/passkey/options', {});
      const response = await browser.submit('/login/passkey', { return_to: '/account', response: posted });
      expect(response.status, posted).toBe(400);
      expect(await response.text()).toContain('The browser&#39;s passkey response was malformed. Try again.');
    }
  });

  it('counts failed assertions against the address’s login throttle, then refuses with 429', async () => {
    const { authenticator } = await userWithPasskey();
    const browser = new TestBrowser();
    for (let attempt = 1; attempt < IP_THROTTLE.maxFailures; attempt++) {
      const { response } = await signInWithPasskey(browser, authenticator, { origin: 'https://phish.example' });
      expect(response.status).toBe(401);
    }
    const { response } = await signInWithPasskey(browser, authenticator, { origin: 'https://phish.example' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe(String(IP_THROTTLE.lockSeconds));
    // Locked: even a valid assertion from this address waits.
    expect((await signInWithPasskey(browser, authenticator)).response.status).toBe(429);
    expect((await signInWithPasskey(new TestBrowser(), authenticator)).response.status).toBe(303);
  });
});

describe('starting ceremonies', () => {
  it('limits the ceremonies one address starts (each is a D1 row): 429 JSON with Retry-After past the limit', async () => {
    const browser = new TestBrowser();
    await browser.get('/login');
    for (let request = 1; request <= CEREMONY_RATE_LIMIT.limit; request++) {
      expect((await browser.submit('/login/passkey/options', {})).status).toBe(200);
    }
    const refused = await browser.submit('/login/passkey/options', {});
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    // Another address is not affected.
    const elsewhere = new TestBrowser();
    await elsewhere.get('/login');
    expect((await elsewhere.submit('/login/passkey/options', {})).status).toBe(200);
  });
});

describe('a passkey-only account (sign-up with a passkey)', () => {
  async function signUpWithPasskey(browser: TestBrowser, authenticator: SoftwareAuthenticator, username: string) {
    await browser.get('/signup');
    const options = await browser.submit('/signup/passkey/options', { username, email: '' });
    expect(options.status).toBe(200);
    const credential = await authenticator.register(await options.json());
    return browser.submit('/signup/passkey', { return_to: '/account', response: JSON.stringify(credential) });
  }

  it('creates the account without a password, signed in by the passkey, which then signs it in again', async () => {
    const username = `pk_${crypto.randomUUID().slice(0, 8)}`;
    const authenticator = new SoftwareAuthenticator();
    const browser = new TestBrowser();
    const response = await signUpWithPasskey(browser, authenticator, username);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    const user = await stores().users.findByUsername(username);
    expect(user?.passwordHash).toBe(NO_PASSWORD_HASH);
    expect(await sessionOf(browser)).toMatchObject({ user: { id: user!.id }, amr: [...PASSKEY_AMR] });
    expect(await stores().passkeys.listByUser(user!.id)).toHaveLength(1);

    expect((await loginAs(new TestBrowser(), username, '')).status).toBe(400);
    expect((await signInWithPasskey(new TestBrowser(), authenticator)).response.status).toBe(303);
  });

  it('refuses to remove the last passkey of an account without a password, and allows it with another one', async () => {
    const browser = new TestBrowser();
    const first = new SoftwareAuthenticator();
    expect((await signUpWithPasskey(browser, first, `pk_${crypto.randomUUID().slice(0, 8)}`)).status).toBe(303);
    const [only] = first.credentialIds;
    await browser.get('/account/security');
    const refused = await browser.submit(`/account/security/passkeys/${only}/delete`, {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('This passkey is the only way to sign in to your account');
    expect(await stores().passkeys.findById(only!)).not.toBeNull();

    expect((await addPasskey(browser, new SoftwareAuthenticator())).status).toBe(303);
    await browser.get('/account/security');
    expect((await browser.submit(`/account/security/passkeys/${only}/delete`, {})).status).toBe(303);
    expect(await stores().passkeys.findById(only!)).toBeNull();
  });

  it('checks the username before any passkey is made, answering JSON the page script shows', async () => {
    const { user } = await signedInBrowser();
    const browser = new TestBrowser();
    await browser.get('/signup');
    const taken = await browser.submit('/signup/passkey/options', { username: user.username });
    expect(taken.status).toBe(400);
    expect(await taken.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    const invalid = await browser.submit('/signup/passkey/options', { username: 'x' });
    expect(invalid.status).toBe(400);
  });

  it('refuses a sign-up answer to a sign-in challenge (ceremonies have one purpose)', async () => {
    const browser = new TestBrowser();
    await browser.get('/login');
    const options = await (await browser.submit('/login/passkey/options', {})).json<{ challenge: string }>();
    const credential = await new SoftwareAuthenticator().register({ ...options, user: { id: 'forged' } });
    const response = await browser.submit('/signup/passkey', {
      return_to: '/account',
      response: JSON.stringify(credential),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The passkey request expired or was already used. Try again.');
  });
});
