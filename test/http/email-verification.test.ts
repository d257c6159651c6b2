// Email verification through the development outbox: the link mailed at sign-up (form and JSON) and on /account,
// its single use and one-hour life, a change of address making it unverified again and voiding older links, and
// `email_verified` in userinfo and the ID Token (OIDC Core §5.1) following it through the code grant.
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient, signIn } from '../helpers/authorization';
import { loginAs, type TestBrowser } from '../helpers/browser';
import { send } from '../helpers/http';
import { createMailApp, LOCAL_ISSUER, pathOf, testAddress, type MailApp } from '../helpers/outbox';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';

async function confirmationLink(mail: MailApp, email: string): Promise<string> {
  const [latest] = await mail.mailTo(email);
  expect(latest?.subject).toBe('Confirm your email address');
  const link = latest!.links[0]!;
  expect(new URL(link).origin).toBe(LOCAL_ISSUER);
  return link;
}

async function confirm(browser: TestBrowser, link: string): Promise<Response> {
  expect((await browser.get(pathOf(link))).status).toBe(200);
  return browser.submit('/email/verify', { token: new URL(link).searchParams.get('token')! });
}

async function signedInWith(mail: MailApp, email: string | null = null) {
  const testUser = await createTestUser({ email });
  const browser = mail.browser();
  expect((await loginAs(browser, testUser.user.username, testUser.password)).status).toBe(303);
  return { ...testUser, browser };
}

/** A signed-in user who typed a new address on /account, and the confirmation link mailed for it. */
async function newAddressLink(mail: MailApp) {
  const { user, browser } = await signedInWith(mail);
  const email = testAddress();
  await browser.get('/account');
  await browser.submit('/account/email', { email });
  return { user, link: await confirmationLink(mail, email) };
}

async function emailClaims(userId: string) {
  const user = (await storesFor(env.DB).users.findById(userId))!;
  const tokens = await signIn(await createCodeClient(), user, {
    claims: { idToken: { email: {}, email_verified: {} } },
  });
  const userinfo = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  const { email, email_verified } = decodeJwt(tokens.id_token!);
  return { idToken: { email, email_verified }, userinfo: await userinfo.json<Record<string, unknown>>() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sign-up with an email address', () => {
  it('mails a confirmation link; confirming it sets email_verified in userinfo and the ID Token', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const browser = mail.browser();
    await browser.get('/signup');
    const username = `mail_${crypto.randomUUID().slice(0, 8)}`;
    expect((await browser.submit('/signup', { username, email, password: TEST_PASSWORD })).status).toBe(303);
    const user = (await storesFor(env.DB).users.findByUsername(username))!;
    expect(await emailClaims(user.id)).toEqual({
      idToken: { email, email_verified: false },
      userinfo: { sub: user.id, preferred_username: username, email, email_verified: false },
    });

    const [message] = await mail.mailTo(email);
    expect(message!.text).toContain(`gave this address to the account ${username}`);
    const confirmed = await confirm(mail.browser(), await confirmationLink(mail, email));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(`${email} is now the verified address of your account.`);

    expect(await emailClaims(user.id)).toEqual({
      idToken: { email, email_verified: true },
      userinfo: { sub: user.id, preferred_username: username, email, email_verified: true },
    });
  });

  it('mails a confirmation link after a JSON sign-up too', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const response = await mail.send('/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '10.9.9.9' },
      body: JSON.stringify({ username: `json_${crypto.randomUUID().slice(0, 8)}`, password: TEST_PASSWORD, email }),
    });
    expect(response.status).toBe(201);
    await confirmationLink(mail, email);
  });
});

describe('the confirmation link', () => {
  it('changes nothing when opened, only when confirmed (mail scanners follow links)', async () => {
    const mail = createMailApp();
    const { user, link } = await newAddressLink(mail);
    await mail.browser().get(pathOf(link));
    await mail.browser().get(pathOf(link));
    expect((await storesFor(env.DB).users.findById(user.id))!.emailVerified).toBe(false);
    expect((await confirm(mail.browser(), link)).status).toBe(200);
  });

  it('works once', async () => {
    const mail = createMailApp();
    const { link } = await newAddressLink(mail);
    const other = mail.browser();
    expect((await confirm(other, link)).status).toBe(200);
    await other.get('/password-reset');
    const replay = await other.submit('/email/verify', { token: new URL(link).searchParams.get('token')! });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This link has expired or was already used.');
    expect((await mail.browser().get(pathOf(link))).status).toBe(400);
  });

  it('expires an hour after it was sent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const mail = createMailApp();
    const { user, link } = await newAddressLink(mail);
    const sentAt = Date.now();
    vi.setSystemTime(sentAt + 59 * 60 * 1000);
    expect((await mail.browser().get(pathOf(link))).status).toBe(200);
    vi.setSystemTime(sentAt + 60 * 60 * 1000 + 1000);
    const late = mail.browser();
    expect((await late.get(pathOf(link))).status).toBe(400);
    await late.get('/password-reset');
    expect((await late.submit('/email/verify', { token: new URL(link).searchParams.get('token')! })).status).toBe(400);
    expect((await storesFor(env.DB).users.findById(user.id))!.emailVerified).toBe(false);
  });

  it('is stored only as the SHA-256 of its token', async () => {
    const mail = createMailApp();
    const { user, link } = await newAddressLink(mail);
    const token = new URL(link).searchParams.get('token')!;
    const { results } = await env.DB.prepare('SELECT token_hash, purpose FROM email_tokens WHERE user_id = ?')
      .bind(user.id)
      .all();
    expect(results).toEqual([{ token_hash: await hashOpaqueToken(token), purpose: 'verify_email' }]);
  });
});

describe('POST /account/email', () => {
  it('shows the address unverified, and a new address is unverified again and voids the older links', async () => {
    const mail = createMailApp();
    const first = testAddress();
    const { user, browser } = await signedInWith(mail);
    await browser.get('/account');
    const saved = await browser.submit('/account/email', { email: first }, { follow: true });
    expect(saved.status).toBe(200);
    expect(browser.html).toContain(`A confirmation link is on its way to ${first}.`);
    expect(browser.html).toContain(`${first} (not verified)`);
    const firstLink = await confirmationLink(mail, first);
    expect((await confirm(mail.browser(), firstLink)).status).toBe(200);
    await browser.get('/account');
    expect(browser.html).toContain(`${first} (verified)`);

    const second = testAddress();
    const unconfirmed = testAddress();
    await browser.submit('/account/email', { email: unconfirmed });
    const staleLink = await confirmationLink(mail, unconfirmed);
    await browser.get('/account');
    await browser.submit('/account/email', { email: second });
    const stored = (await storesFor(env.DB).users.findById(user.id))!;
    expect({ email: stored.email, emailVerified: stored.emailVerified }).toEqual({
      email: second,
      emailVerified: false,
    });
    expect((await mail.browser().get(pathOf(staleLink))).status).toBe(400);
    expect(await emailClaims(user.id)).toMatchObject({ idToken: { email: second, email_verified: false } });
  });

  it('mails the link again on request while the address is unverified', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const { browser } = await signedInWith(mail, email);
    await browser.get('/account');
    expect(browser.html).toContain('action="/account/email/verification"');
    const response = await browser.submit('/account/email/verification', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?email=sent');
    await confirmationLink(mail, email);
  });

  it('saving the same address again sends nothing once it is verified', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const testUser = await createTestUser({ email, emailVerified: true });
    const browser = mail.browser();
    await loginAs(browser, testUser.user.username, testUser.password);
    await browser.get('/account');
    const response = await browser.submit('/account/email', { email: email.toUpperCase() });
    expect(response.headers.get('location')).toBe('/account');
    expect(await mail.mailTo(email)).toEqual([]);
    expect((await storesFor(env.DB).users.findById(testUser.user.id))!.emailVerified).toBe(true);
  });

  it('removes the address when the field is empty', async () => {
    const mail = createMailApp();
    const { user, browser } = await signedInWith(mail, testAddress());
    await browser.get('/account');
    const response = await browser.submit('/account/email', { email: '' }, { follow: true });
    expect(response.status).toBe(200);
    expect(browser.html).toContain('Your account has no email address now.');
    expect((await storesFor(env.DB).users.findById(user.id))!.email).toBeNull();
  });

  it('refuses a malformed address with 400 and keeps the stored one', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const { user, browser } = await signedInWith(mail, email);
    await browser.get('/account');
    const response = await browser.submit('/account/email', { email: 'not an address' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter an email address such as name@example.com, or leave it empty.');
    expect((await storesFor(env.DB).users.findById(user.id))!.email).toBe(email);
  });

  it('tells the user when the recipient has had its share of mail this hour', async () => {
    const mail = createMailApp();
    const email = testAddress();
    const { browser } = await signedInWith(mail, email);
    await browser.get('/account');
    const locations: Array<string | null> = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      locations.push((await browser.submit('/account/email/verification', {})).headers.get('location'));
    }
    expect(locations).toEqual([...Array(5).fill('/account?email=sent'), '/account?email=limited']);
    expect(await mail.mailTo(email)).toHaveLength(5);
  });

  it('ignores an email notice parameter that names no notice', async () => {
    const mail = createMailApp();
    const { browser } = await signedInWith(mail);
    for (const code of ['constructor', 'toString', 'nonsense']) {
      expect((await browser.get(`/account?email=${code}`)).status).toBe(200);
      expect(browser.html).not.toContain('class="notice"');
    }
  });

  it('needs a session', async () => {
    const mail = createMailApp();
    const browser = mail.browser();
    await browser.get('/login');
    const response = await browser.submit('/account/email', { email: testAddress() });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?return_to=%2Faccount');
  });
});
