// Online guessing (RFC 6819 §4.4.3.6 and §5.1.4.2.3, RFC 6749 §10.10): password attempts are reserved before they are
// checked, so a concurrent burst spread over the login page and the password grant, from many addresses, gets at most
// the account policy's checks; one address guessing across accounts is locked too.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE, IP_THROTTLE } from '../../src/accounts/login-throttle';
import { CLIENT_AUTH_FAILURE_LIMIT } from '../../src/config';
import { OIDC_CLIENT_SCOPES, postAsClient } from '../helpers/authorization';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const WRONG_CREDENTIALS = 'the username or password is wrong';

describe('brute force on passwords (RFC 6819 §4.4.3.6)', () => {
  it('checks at most the policy’s attempts of a 50-request burst split between the login page and the password grant', async () => {
    const { user, password } = await createTestUser();
    const passwordClient = await createTestClient({ grantTypes: ['password'], scopes: OIDC_CLIENT_SCOPES });
    const rightAt = 10 + Math.floor(Math.random() * 40);
    const browsers = Array.from({ length: 50 }, () => new TestBrowser());
    for (const browser of browsers) await browser.get('/login');

    const outcomes = await Promise.all(
      browsers.map(async (browser, index) => {
        const guess = index === rightAt ? password : `guess ${index}`;
        if (index % 2 === 0) {
          const response = await browser.submit('/login', { username: user.username, password: guess });
          return response.status === 401
            ? 'checked'
            : response.status === 429
              ? 'throttled'
              : `page ${response.status}`;
        }
        const response = await postAsClient(passwordClient, '/oauth/token', {
          grant_type: 'password',
          username: user.username,
          password: guess,
        });
        const body = await response.json<{ error_description?: string }>();
        if (body.error_description === WRONG_CREDENTIALS) return 'checked';
        return body.error_description?.startsWith('too many failed sign-in attempts')
          ? 'throttled'
          : `grant ${response.status}`;
      }),
    );

    // The attempt that reaches the limit is checked too but answered as locked, hence maxFailures - 1 plain failures.
    expect(outcomes.filter((outcome) => outcome === 'checked').length).toBeLessThanOrEqual(
      ACCOUNT_THROTTLE.maxFailures - 1,
    );
    expect(outcomes.filter((outcome) => outcome !== 'checked' && outcome !== 'throttled')).toEqual([]);
    expect(outcomes[rightAt]).toBe('throttled');
    expect((await loginAs(new TestBrowser(), user.username, password)).status).toBe(429);
  });

  it('locks one address that guesses across many accounts, even for an account it knows the password of', async () => {
    const clientIp = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let attempt = 0; attempt < IP_THROTTLE.maxFailures; attempt++) {
      const response = await loginAs(new TestBrowser({ clientIp }), `nobody_${attempt}`, 'a wrong password');
      expect([401, 429]).toContain(response.status);
    }
    const { user, password } = await createTestUser();
    const response = await loginAs(new TestBrowser({ clientIp }), user.username, password);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('brute force on client authentication (RFC 6819 §5.1.4.2.3, §5.2.3.1)', () => {
  it('answers a concurrent burst of 50 wrong secrets with at most the limit of 401s, the rest 429 with Retry-After', async () => {
    const { client, secret } = await createTestClient();
    const clientIp = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const attempt = (candidate: string, address = clientIp) =>
      postForm(
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { Authorization: basicAuthorization(client.id, candidate), 'CF-Connecting-IP': address },
      );
    const statuses = (await Promise.all(Array.from({ length: 50 }, (_, index) => attempt(`guess ${index}`)))).map(
      (response) => response.status,
    );
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(CLIENT_AUTH_FAILURE_LIMIT);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    const throttled = await attempt('one more guess');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // A correct secret is never refused, so the attacker cannot lock the client out (README, Security).
    expect((await attempt(secret)).status).toBe(200);
  });

  it('lets the right secret through after the burst, and another address keeps its own count', async () => {
    const { client, secret } = await createTestClient();
    const attempt = (candidate: string, address: string) =>
      postForm(
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { Authorization: basicAuthorization(client.id, candidate), 'CF-Connecting-IP': address },
      );
    await Promise.all(Array.from({ length: 50 }, (_, index) => attempt(`guess ${index}`, '198.51.100.77')));
    expect((await attempt('guess', '198.51.100.77')).status).toBe(429);
    expect((await attempt(secret, '198.51.100.77')).status).toBe(200);
    expect((await attempt('typo', '192.0.2.44')).status).toBe(401);
  });
});
