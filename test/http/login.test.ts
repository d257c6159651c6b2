// /login and sessions: the labelled form with a CSRF token, an 8-hour __Host- session cookie stored hashed, one answer
// for an unknown user and a wrong password, no open redirect via return_to (RFC 9700 §4.11), rehash on login, and
// the D1 throttles: 5 failures lock an account, 20 an address (an IPv6 /64), for 15 minutes.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestUser } from '../helpers/users';

const SESSION_COOKIE = '__Host-portcullis_session';
const HOUR_MS = 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

function pageError(html: string): string | undefined {
  return /<p class="error" role="alert" id="form-error">([^<]*)<\/p>/.exec(html)?.[1];
}

describe('GET /login', () => {
  it('renders the form with labelled fields, the return_to and a CSRF token', async () => {
    const browser = new TestBrowser();
    const response = await browser.get('/login?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dx');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(browser.html).toContain('<label for="username">Username</label><input id="username" name="username"');
    expect(browser.html).toContain(
      '<label for="password">Password</label><input id="password" name="password" type="password"',
    );
    expect(browser.html).toContain('<input type="hidden" name="return_to" value="/oauth/authorize?client_id=x"/>');
    expect(browser.csrfToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('POST /login', () => {
  it('starts a session with an HttpOnly, Secure, SameSite=Lax __Host- cookie and redirects to return_to', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    const response = await loginAs(browser, user.username, password, '/oauth/authorize?client_id=abc&state=xyz');

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/oauth/authorize?client_id=abc&state=xyz');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const token = browser.cookie(SESSION_COOKIE);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers.getSetCookie()).toEqual([
      `${SESSION_COOKIE}=${token}; Max-Age=28800; Path=/; HttpOnly; Secure; SameSite=Lax`,
    ]);

    const account = await browser.get('/account');
    expect(account.status).toBe(200);
    expect(browser.html).toContain(`<dt>Signed in as</dt><dd>${user.username}</dd>`);
  });

  it('stores only the SHA-256 of the session token', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const rows = await env.DB.prepare('SELECT id_hash FROM sessions WHERE user_id = ?')
      .bind(user.id)
      .all<{ id_hash: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]!.id_hash).toBe(await hashOpaqueToken(browser.cookie(SESSION_COOKIE)!));
  });

  it('matches the username case-insensitively', async () => {
    const { user, password } = await createTestUser();
    const response = await loginAs(new TestBrowser(), `  ${user.username.toUpperCase()} `, password);
    expect(response.status).toBe(303);
  });

  it('answers an unknown username and a wrong password with the same page and status', async () => {
    const { user } = await createTestUser();
    const wrongPassword = new TestBrowser();
    const unknownUser = new TestBrowser();
    const first = await loginAs(wrongPassword, user.username, 'not the password');
    const second = await loginAs(unknownUser, 'no-such-user', 'not the password');

    for (const [response, browser] of [
      [first, wrongPassword],
      [second, unknownUser],
    ] as const) {
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(pageError(browser.html)).toBe('Invalid username or password.');
    }
    const page = (browser: TestBrowser, typed: string) =>
      browser.html
        .replaceAll(browser.csrfToken(), 'TOKEN')
        .replace(typed, 'TYPED')
        // The passkey scripts' CSP nonce is fresh on every response.
        .replaceAll(/nonce="[^"]+"/g, 'nonce="NONCE"');
    expect(page(unknownUser, 'no-such-user')).toBe(page(wrongPassword, user.username));
  });

  it('refuses a disabled account with the same message', async () => {
    const { user, password } = await createTestUser({ disabled: true });
    const browser = new TestBrowser();
    const response = await loginAs(browser, user.username, password);
    expect(response.status).toBe(401);
    expect(pageError(browser.html)).toBe('Invalid username or password.');
  });

  it('answers 400 with the form when a field is missing', async () => {
    const browser = new TestBrowser();
    await browser.get('/login');
    const response = await browser.submit('/login', { username: 'ada' });
    expect(response.status).toBe(400);
    expect(pageError(browser.html)).toBe('Enter your username and password.');
  });

  it('upgrades a hash with fewer iterations to the current cost on login', async () => {
    const password = 'an old but good passphrase';
    const { user } = await createTestUser({ passwordHash: await hashPassword(password, 1000), password });
    const response = await loginAs(new TestBrowser(), user.username, password);

    expect(response.status).toBe(303);
    const stored = await storesFor(env.DB).users.findById(user.id);
    expect(stored?.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(await loginAs(new TestBrowser(), user.username, password)).toHaveProperty('status', 303);
  });

  it.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/path'],
    ['a backslash URL', '/\\evil.example'],
    ['a tab-smuggled slash', '/\t/evil.example'],
    ['a dot segment before a double slash', '/.//evil.example/'],
    ['a parent segment before a double slash', '/..//evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'account'],
  ])('refuses %s as return_to and goes to /account instead (no open redirect)', async (_label, returnTo) => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await browser.get('/login');
    const response = await browser.submit('/login', { username: user.username, password, return_to: returnTo });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    await browser.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    expect(browser.html).toContain('<input type="hidden" name="return_to" value="/account"/>');
  });

  it('replaces the session on a new login and keeps the old token from working', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const first = browser.cookie(SESSION_COOKIE);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await loginAs(browser, user.username, password);
    expect(browser.cookie(SESSION_COOKIE)).not.toBe(first);
    expect(await storesFor(env.DB).sessions.findActive(first!, Math.floor(Date.now() / 1000))).toBeNull();
  });

  it('ends the session after SESSION_TTL_SECONDS (8 hours)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);

    vi.setSystemTime(Date.now() + 8 * HOUR_MS - 1000);
    expect((await browser.get('/account')).status).toBe(200);
    vi.setSystemTime(Date.now() + 2000);
    const expired = await browser.get('/account');
    expect(expired.status).toBe(302);
    expect(expired.headers.get('location')).toBe('/login?return_to=%2Faccount');
  });

  it('ends the session of a user disabled after login', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    await storesFor(env.DB).users.setDisabled(user.id, true, Math.floor(Date.now() / 1000));
    expect((await browser.get('/account')).status).toBe(302);
  });
});

describe('login throttling (D1 counters)', () => {
  it('locks an account for 15 minutes after 5 failures, from any address, with 429 and Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { user, password } = await createTestUser();
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await loginAs(new TestBrowser(), user.username, 'wrong password')).status).toBe(401);
    }
    const fifth = new TestBrowser();
    const locked = await loginAs(fifth, user.username, 'wrong password');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(pageError(fifth.html)).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');

    // The right password from a fresh address is refused too while the lock lasts, without revealing it is right.
    vi.setSystemTime(Date.now() + 10 * 60 * 1000);
    const during = await loginAs(new TestBrowser(), user.username, password);
    expect(during.status).toBe(429);
    expect(during.headers.get('retry-after')).toBe('300');

    vi.setSystemTime(Date.now() + 5 * 60 * 1000);
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(303);
  });

  it('clears the account counter on success', async () => {
    const { user, password } = await createTestUser();
    for (let attempt = 1; attempt <= 4; attempt++) await loginAs(new TestBrowser(), user.username, 'wrong password');
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(303);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await loginAs(new TestBrowser(), user.username, 'wrong password')).status).toBe(401);
    }
  });

  it('counts unknown usernames like real ones, so the lock reveals nothing', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) await loginAs(new TestBrowser(), 'nobody-here', 'wrong password');
    expect((await loginAs(new TestBrowser(), 'nobody-here', 'wrong password')).status).toBe(429);
  });

  it('locks an address for 15 minutes after 20 failures across accounts', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const clientIp = '203.0.113.77';
    for (let attempt = 1; attempt <= 19; attempt++) {
      expect((await loginAs(new TestBrowser({ clientIp }), `guess-${attempt}`, 'wrong password')).status).toBe(401);
    }
    expect((await loginAs(new TestBrowser({ clientIp }), 'guess-20', 'wrong password')).status).toBe(429);

    const { user, password } = await createTestUser();
    const refused = await loginAs(new TestBrowser({ clientIp }), user.username, password);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('900');
    // Another address is not affected.
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(303);

    vi.setSystemTime(Date.now() + 15 * 60 * 1000);
    expect((await loginAs(new TestBrowser({ clientIp }), user.username, password)).status).toBe(303);
  });

  it('evaluates at most 5 of 50 concurrent attempts and refuses the right password inside the burst', async () => {
    const { user, password } = await createTestUser();
    const rightAt = 10 + Math.floor(Math.random() * 40);
    // A browser (and address) per attempt, so only the account's counter can stop the burst.
    const browsers = Array.from({ length: 50 }, () => new TestBrowser());
    for (const browser of browsers) await browser.get('/login');
    const responses = await Promise.all(
      browsers.map((browser, index) =>
        browser.submit('/login', {
          username: user.username,
          password: index === rightAt ? password : `wrong ${index}`,
          return_to: '/account',
        }),
      ),
    );

    // Evaluated attempts answer 401 (or 303); the fifth failure and every attempt beyond the reservation get 429.
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(statuses[rightAt]).toBe(429);
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(429);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let attempt = 1; attempt <= 19; attempt++) {
      await loginAs(
        new TestBrowser({ clientIp: `2001:db8:1:2::${attempt.toString(16)}` }),
        `v6-guess-${attempt}`,
        'wrong password',
      );
    }
    const last = await loginAs(
      new TestBrowser({ clientIp: '2001:db8:1:2:ffff:ffff:ffff:ffff' }),
      'v6-guess-20',
      'wrong password',
    );
    expect(last.status).toBe(429);
  });
});
