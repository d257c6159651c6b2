// Password reset by email through the development outbox: the request form's one answer for known and unknown
// addresses, links only to verified addresses, the link's single use and 20-minute life, the new password's policy,
// the sign-out of every session and refresh token after a reset, the hashed storage of the token, and the limits.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAIL_RATE_LIMIT, MAIL_RECIPIENT_RATE_LIMIT } from '../../src/config';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createCodeClient, expectOAuthError, refreshWith, signIn } from '../helpers/authorization';
import { loginAs, type TestBrowser } from '../helpers/browser';
import { createMailApp, LOCAL_ISSUER, pathOf, testAddress, type MailApp } from '../helpers/outbox';
import { createTestUser } from '../helpers/users';

const NEW_PASSWORD = 'a brand new passphrase';

async function userWithAddress(verified = true) {
  const email = testAddress();
  return { email, ...(await createTestUser({ email, emailVerified: verified })) };
}

async function requestReset(browser: TestBrowser, email: string): Promise<Response> {
  await browser.get('/password-reset');
  return browser.submit('/password-reset', { email });
}

async function resetLink(mail: MailApp, email: string): Promise<string> {
  const [latest] = await mail.mailTo(email);
  expect(latest?.subject).toBe('Reset your password');
  return latest!.links[0]!;
}

async function setPassword(browser: TestBrowser, link: string, password = NEW_PASSWORD): Promise<Response> {
  expect((await browser.get(pathOf(link))).status).toBe(200);
  return browser.submit('/password-reset/new', { token: new URL(link).searchParams.get('token')!, password });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /login', () => {
  it('links to the reset request form', async () => {
    const mail = createMailApp();
    const browser = mail.browser();
    expect((await browser.get('/login')).status).toBe(200);
    expect(browser.html).toContain('<a href="/password-reset">Forgot your password?</a>');
  });
});

describe('POST /password-reset', () => {
  it('answers an unknown address exactly as a known one, and mails only the known one', async () => {
    const mail = createMailApp();
    const { email, user } = await userWithAddress();
    const unknown = testAddress();

    const known = await requestReset(mail.browser(), email);
    const stranger = await requestReset(mail.browser(), unknown);

    expect(known.status).toBe(200);
    expect(stranger.status).toBe(known.status);
    expect([...stranger.headers].filter(([name]) => name !== 'set-cookie')).toEqual(
      [...known.headers].filter(([name]) => name !== 'set-cookie'),
    );
    const page = await known.text();
    expect(await stranger.text()).toBe(page);
    expect(page).toContain('If an account has this verified address, a link to reset its password is on its way.');
    expect(await mail.mailTo(unknown)).toEqual([]);
    const [message] = await mail.mailTo(email);
    expect(message?.text).toContain(`the password of the account ${user.username}`);
  });

  it('matches the address whatever its case', async () => {
    const mail = createMailApp();
    const { email } = await userWithAddress();
    await requestReset(mail.browser(), email.toUpperCase());
    expect(await mail.mailTo(email)).toHaveLength(1);
  });

  it('sends nothing to an address that was never verified, with the same answer', async () => {
    const mail = createMailApp();
    const { email } = await userWithAddress(false);
    const response = await requestReset(mail.browser(), email);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Addresses that were never verified get no link.');
    expect(await mail.mailTo(email)).toEqual([]);
  });

  it('sends nothing to a disabled account', async () => {
    const mail = createMailApp();
    const email = testAddress();
    await createTestUser({ email, emailVerified: true, disabled: true });
    expect((await requestReset(mail.browser(), email)).status).toBe(200);
    expect(await mail.mailTo(email)).toEqual([]);
  });

  it('asks again for an empty address', async () => {
    const mail = createMailApp();
    const browser = mail.browser();
    await browser.get('/password-reset');
    const response = await browser.submit('/password-reset', { email: ' ' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter an email address.');
  });

  it('mails a link on the configured issuer origin whatever Host the request named, with no other secret', async () => {
    const mail = createMailApp();
    const { email, password } = await userWithAddress();
    const browser = mail.browser();
    await browser.get('/password-reset');
    await mail.send('https://evil.example/password-reset', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
        Cookie: `portcullis_csrf=${browser.cookie('__Host-portcullis_csrf') ?? browser.cookie('portcullis_csrf')}`,
      },
      body: new URLSearchParams({ email, csrf_token: browser.csrfToken() }),
    });
    const [message, ...others] = await mail.mailTo(email);
    expect(others).toEqual([]);
    expect(message!.links).toHaveLength(1);
    expect(new URL(message!.links[0]!).origin).toBe(LOCAL_ISSUER);
    expect(new URL(message!.links[0]!).pathname).toBe('/password-reset/new');
    expect(message!.text).not.toContain(password);
  });
});

describe('the reset link', () => {
  it('sets the new password, ends every session, revokes refresh tokens and voids the other reset links', async () => {
    const mail = createMailApp();
    const { email, user, password } = await userWithAddress();
    const signedIn = mail.browser();
    expect((await loginAs(signedIn, user.username, password)).status).toBe(303);
    const testClient = await createCodeClient();
    const tokens = await signIn(testClient, user);

    await requestReset(mail.browser(), email);
    const earlier = await resetLink(mail, email);
    await requestReset(mail.browser(), email);
    const latest = await resetLink(mail, email);
    expect(latest).not.toBe(earlier);

    const browser = mail.browser();
    const response = await setPassword(browser, latest);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Your password is changed and every session of your account has ended.');

    expect((await signedIn.get('/account')).status).toBe(302);
    await expectOAuthError(
      await refreshWith(testClient, tokens.refresh_token!),
      400,
      'invalid_grant',
      'the refresh token has been revoked',
    );
    expect((await loginAs(mail.browser(), user.username, password)).status).toBe(401);
    expect((await loginAs(mail.browser(), user.username, NEW_PASSWORD)).status).toBe(303);
    // The other link sent before the reset, and the used one, open nothing now.
    for (const link of [earlier, latest]) {
      const again = await mail.browser().get(pathOf(link));
      expect(again.status).toBe(400);
      expect(await again.text()).toContain('This link has expired or was already used.');
    }
  });

  it('works once: a second post of the same link is refused and changes nothing', async () => {
    const mail = createMailApp();
    const { email, user } = await userWithAddress();
    await requestReset(mail.browser(), email);
    const link = await resetLink(mail, email);
    const browser = mail.browser();
    expect((await setPassword(browser, link)).status).toBe(200);
    await browser.get('/password-reset');
    const replay = await browser.submit('/password-reset/new', {
      token: new URL(link).searchParams.get('token')!,
      password: 'yet another passphrase',
    });
    expect(replay.status).toBe(400);
    expect((await loginAs(mail.browser(), user.username, NEW_PASSWORD)).status).toBe(303);
  });

  it('expires 20 minutes after it was sent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const mail = createMailApp();
    const { email } = await userWithAddress();
    await requestReset(mail.browser(), email);
    const link = await resetLink(mail, email);
    const sentAt = Date.now();

    vi.setSystemTime(sentAt + 19 * 60 * 1000);
    expect((await mail.browser().get(pathOf(link))).status).toBe(200);
    vi.setSystemTime(sentAt + 20 * 60 * 1000 + 1000);
    expect((await mail.browser().get(pathOf(link))).status).toBe(400);
    const browser = mail.browser();
    await browser.get('/password-reset');
    const late = await browser.submit('/password-reset/new', {
      token: new URL(link).searchParams.get('token')!,
      password: NEW_PASSWORD,
    });
    expect(late.status).toBe(400);
  });

  it('refuses a password the policy refuses and keeps the link usable', async () => {
    const mail = createMailApp();
    const { email } = await userWithAddress();
    await requestReset(mail.browser(), email);
    const link = await resetLink(mail, email);
    const browser = mail.browser();
    const refused = await setPassword(browser, link, 'short');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Choose a password of at least');
    expect((await setPassword(browser, link)).status).toBe(200);
  });

  it('refuses an unknown or malformed token', async () => {
    const mail = createMailApp();
    for (const query of ['', '?token=', '?token=not-a-token', `?token=${'A'.repeat(43)}`]) {
      expect((await mail.browser().get(`/password-reset/new${query}`)).status).toBe(400);
    }
  });

  it('is stored only as the SHA-256 of its token', async () => {
    const mail = createMailApp();
    const { email, user } = await userWithAddress();
    await requestReset(mail.browser(), email);
    const token = new URL(await resetLink(mail, email)).searchParams.get('token')!;
    const rows = await env.DB.prepare('SELECT * FROM email_tokens WHERE user_id = ?').bind(user.id).all();
    expect(rows.results).toEqual([
      {
        token_hash: await hashOpaqueToken(token),
        user_id: user.id,
        purpose: 'reset_password',
        email,
        created_at: expect.any(Number),
        expires_at: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(rows.results)).not.toContain(token);
  });
});

describe('mail limits', () => {
  it(`mails one recipient at most ${MAIL_RECIPIENT_RATE_LIMIT} times an hour, answering as usual beyond`, async () => {
    const mail = createMailApp();
    const { email } = await userWithAddress();
    for (let sent = 0; sent < MAIL_RECIPIENT_RATE_LIMIT + 1; sent++) {
      expect((await requestReset(mail.browser(), email)).status).toBe(200);
    }
    expect(await mail.mailTo(email)).toHaveLength(MAIL_RECIPIENT_RATE_LIMIT);
  });

  it(`refuses a client address after ${MAIL_RATE_LIMIT} requests an hour with 429 and Retry-After`, async () => {
    const mail = createMailApp();
    const browser = mail.browser();
    for (let sent = 0; sent < MAIL_RATE_LIMIT; sent++) {
      expect((await requestReset(browser, testAddress())).status).toBe(200);
    }
    const { email } = await userWithAddress();
    const refused = await requestReset(browser, email);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await mail.mailTo(email)).toEqual([]);
  });
});
