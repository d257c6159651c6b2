// /signup as JSON and as a form: the user stored with a PBKDF2 hash and lower-cased username; each username, email
// and password-policy problem answered with its exact message (400); malformed or non-UTF-8 JSON refused
// (RFC 8259 §8.1); the form signs the user in, or re-renders with what was typed.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { NO_PROFILE } from '../../src/storage/types';
import { createTestApp } from '../helpers/app';
import { TestBrowser } from '../helpers/browser';
import { send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const PASSWORD = 'a long and unusual passphrase';

function uniqueUsername(): string {
  return `new_${crypto.randomUUID().slice(0, 8)}`;
}

function postJson(body: unknown, init: RequestInit = {}): Promise<Response> {
  return send('/signup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const PROBLEMS = {
  usernameInvalid:
    'Choose a username of 3 to 32 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.',
  usernameTaken: 'That username is taken. Choose another one.',
  emailInvalid: 'Enter a valid email address, or leave the email field empty.',
  tooShort: 'Choose a password of at least 8 characters.',
  tooLong: 'Choose a password of at most 128 characters.',
  weak: 'That password is too easy to guess (a common password, your username, or one repeated character). Choose another one.',
  malformed: 'the body must be a JSON object with string fields username and password, and optionally email',
};

describe('POST /signup with JSON', () => {
  it('creates the user and answers 201 with sub and the canonical username', async () => {
    const username = uniqueUsername();
    const response = await postJson({ username: username.toUpperCase(), password: PASSWORD, email: 'ada@example.com' });

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json<{ sub: string; username: string }>();
    expect(body).toEqual({ sub: expect.any(String), username });
    expect(response.headers.getSetCookie()).toEqual([]);

    const user = await storesFor(env.DB).users.findById(body.sub);
    expect(user).toEqual({
      id: body.sub,
      username,
      email: 'ada@example.com',
      emailVerified: false,
      passwordHash: expect.stringMatching(/^pbkdf2-sha256\$100000\$/),
      isAdmin: false,
      disabled: false,
      ...NO_PROFILE,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(user?.passwordHash).not.toContain(PASSWORD);
  });

  it('accepts a same-origin JSON request with an Origin header (the CSRF check is for forms)', async () => {
    const response = await postJson(
      { username: uniqueUsername(), password: PASSWORD },
      { headers: { Origin: 'https://issuer.test' } },
    );
    expect(response.status).toBe(201);
  });

  it.each([
    [
      'a taken username (in any case)',
      async () => ({ username: (await createTestUser()).user.username.toUpperCase(), password: PASSWORD }),
      PROBLEMS.usernameTaken,
    ],
    [
      'a username with a space',
      async () => ({ username: 'ada lovelace', password: PASSWORD }),
      PROBLEMS.usernameInvalid,
    ],
    ['a two-letter username', async () => ({ username: 'ad', password: PASSWORD }), PROBLEMS.usernameInvalid],
    [
      'a 33-character username',
      async () => ({ username: 'a'.repeat(33), password: PASSWORD }),
      PROBLEMS.usernameInvalid,
    ],
    [
      'an invalid email',
      async () => ({ username: uniqueUsername(), password: PASSWORD, email: 'not an email' }),
      PROBLEMS.emailInvalid,
    ],
    ['a short password', async () => ({ username: uniqueUsername(), password: 'short' }), PROBLEMS.tooShort],
    [
      'a 129-character password',
      async () => ({ username: uniqueUsername(), password: `${'x'.repeat(128)}y` }),
      PROBLEMS.tooLong,
    ],
    ['a common password', async () => ({ username: uniqueUsername(), password: 'password123' }), PROBLEMS.weak],
    ['the username as password', async () => ({ username: 'samename', password: 'SameName' }), PROBLEMS.weak],
    ['one repeated character', async () => ({ username: uniqueUsername(), password: 'aaaaaaaaaaaa' }), PROBLEMS.weak],
    ['a missing password', async () => ({ username: uniqueUsername() }), PROBLEMS.malformed],
    ['a numeric username', async () => ({ username: 12345, password: PASSWORD }), PROBLEMS.malformed],
    ['an array', async () => [PASSWORD], 'the body must be a JSON object'],
  ])('answers 400 invalid_request for %s', async (_label, body, description) => {
    const response = await postJson(await body());
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('answers 400 invalid_request for a body that is not JSON', async () => {
    const response = await postJson('{"username": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the request body is not valid JSON',
    });
  });

  it('answers 400 invalid_request for a body that is not UTF-8 (RFC 8259 §8.1)', async () => {
    const body = new Uint8Array([
      ...new TextEncoder().encode(`{"username":"${uniqueUsername()}","password":"`),
      0xff,
      ...new TextEncoder().encode(`${PASSWORD}"}`),
    ]);
    const response = await send('/signup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the request body is not valid UTF-8',
    });
  });
});

describe('GET and POST /signup with the form', () => {
  it('renders the form with labels and the rules next to the fields', async () => {
    const browser = new TestBrowser();
    const response = await browser.get('/signup?return_to=%2Fsomewhere');
    expect(response.status).toBe(200);
    expect(browser.html).toContain('<label for="username">Username</label>');
    expect(browser.html).toContain('<label for="email">Email (optional)</label>');
    expect(browser.html).toContain('aria-describedby="password-hint"');
    expect(browser.html).toContain('<input type="hidden" name="return_to" value="/somewhere"/>');
  });

  it('creates the user, signs them in and returns to return_to', async () => {
    const browser = new TestBrowser();
    await browser.get('/signup');
    const username = uniqueUsername();
    const response = await browser.submit('/signup', {
      username,
      password: PASSWORD,
      email: '',
      return_to: '/account',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect(browser.cookie('__Host-portcullis_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await browser.get('/account');
    expect(browser.html).toContain(`<dd>${username}</dd>`);
  });

  it('does not turn /.//evil.example/ into the protocol-relative //evil.example/ (RFC 9700 §4.11)', async () => {
    const browser = new TestBrowser();
    await browser.get(`/signup?return_to=${encodeURIComponent('/.//evil.example/')}`);
    expect(browser.html).toContain('<input type="hidden" name="return_to" value="/account"/>');
    const response = await browser.submit('/signup', {
      username: uniqueUsername(),
      password: PASSWORD,
      email: '',
      return_to: '/.//evil.example/',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
  });

  it.each([
    ['a taken username', async () => (await createTestUser()).user.username, PASSWORD, PROBLEMS.usernameTaken],
    ['an empty username', async () => '', PASSWORD, PROBLEMS.usernameInvalid],
    ['a weak password', async () => uniqueUsername(), 'qwerty123', PROBLEMS.weak],
    ['a short password', async () => uniqueUsername(), '', PROBLEMS.tooShort],
  ])('re-renders the form with 400 for %s, keeping what was typed', async (_label, username, password, message) => {
    const browser = new TestBrowser();
    await browser.get('/signup');
    const typed = await username();
    const response = await browser.submit('/signup', { username: typed, password, email: 'ada@example.com' });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(browser.html).toContain(
      `<p class="error" role="alert" id="form-error">${message.replaceAll("'", '&#39;')}</p>`,
    );
    expect(browser.html).toContain('value="ada@example.com"');
    expect(browser.html).toContain(`name="username" type="text" value="${typed}"`);
    expect(browser.html).not.toContain(password || 'never');
  });
});

describe('POST /signup rate limit', () => {
  it('counts an IPv6 client by its /64, so rotating addresses in it gains nothing', async () => {
    const { request } = createTestApp({ SIGNUP_RATE_LIMIT: '2' });
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    const signUp = (address: string) =>
      request('/signup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
        body: JSON.stringify({ username: uniqueUsername(), password: PASSWORD }),
      });
    expect((await signUp(`${prefix}::1`)).status).toBe(201);
    expect((await signUp(`${prefix}::2`)).status).toBe(201);
    expect((await signUp(`${prefix}:1:2:3:4`)).status).toBe(429);
  });

  it('refuses more sign-ups from one address than SIGNUP_RATE_LIMIT per hour with 429 and Retry-After (RFC 6585 §4)', async () => {
    const { request } = createTestApp({ SIGNUP_RATE_LIMIT: '2' });
    const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const signUp = () =>
      request('/signup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
        body: JSON.stringify({ username: uniqueUsername(), password: PASSWORD }),
      });
    expect((await signUp()).status).toBe(201);
    expect((await signUp()).status).toBe(201);
    const refused = await signUp();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.stringMatching(/^too many requests; retry after \d+ seconds$/),
    });
  });
});
