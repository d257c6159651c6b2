// Failed client authentication is bounded (issue 8, defect 8; RFC 6819 §5.1.4.2.3, §5.2.3.1): past
// CLIENT_AUTH_FAILURE_LIMIT failures per client and address in a window, further failures answer 429
// temporarily_unavailable with Retry-After, at the token, revocation, introspection and RFC 7592 endpoints; a correct
// credential still passes, and another address is not affected, so an attacker cannot lock a client out.
import { describe, expect, it } from 'vitest';
import { CLIENT_AUTH_FAILURE_LIMIT } from '../../src/config';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';
import { bearer, registerClientCredentialsClient } from '../helpers/registration';

// Different /64s would do for IPv6 too: a count covers an IPv6 address's /64 (accounts/login-throttle.ts addressBlock).
const ATTACKER_ADDRESS = '203.0.113.9';
const OTHER_ADDRESS = '198.51.100.7';

const ENDPOINTS = [
  ['token', '/oauth/token', { grant_type: 'client_credentials' }],
  ['revocation', '/oauth/revoke', { token: 'anything' }],
  ['introspection', '/oauth/introspect', { token: 'anything' }],
] as const;

/** Sends `count` requests one after another, answering their statuses. */
async function statuses(count: number, request: () => Promise<Response>): Promise<number[]> {
  const answered: number[] = [];
  for (let sent = 0; sent < count; sent++) answered.push((await request()).status);
  return answered;
}

async function expectThrottled(response: Response) {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
}

describe('bounded client authentication failures', () => {
  it.each(ENDPOINTS)('answers 429 past the limit of wrong secrets at the %s endpoint', async (_, path, form) => {
    const { client, secret } = await createTestClient();
    const address = ATTACKER_ADDRESS;
    const wrong = () =>
      postForm(path, form, { Authorization: basicAuthorization(client.id, 'wrong'), 'CF-Connecting-IP': address });
    expect(await statuses(CLIENT_AUTH_FAILURE_LIMIT, wrong)).toEqual(Array(CLIENT_AUTH_FAILURE_LIMIT).fill(401));
    await expectThrottled(await wrong());

    // The right secret passes from the same address, and other addresses keep their own count.
    const right = await postForm(path, form, {
      Authorization: basicAuthorization(client.id, secret),
      'CF-Connecting-IP': address,
    });
    expect(right.status).toBe(200);
    const elsewhere = await postForm(path, form, {
      Authorization: basicAuthorization(client.id, 'wrong'),
      'CF-Connecting-IP': OTHER_ADDRESS,
    });
    expect(elsewhere.status).toBe(401);
  });

  it('counts wrong client_secret_post secrets and unknown client ids too', async () => {
    const address = ATTACKER_ADDRESS;
    const unknown = () =>
      postForm(
        '/oauth/token',
        { grant_type: 'client_credentials', client_id: crypto.randomUUID(), client_secret: 'x' },
        { 'CF-Connecting-IP': address },
      );
    await statuses(CLIENT_AUTH_FAILURE_LIMIT, unknown);
    await expectThrottled(await unknown());
  });

  it('answers 429 past the limit of wrong registration access tokens (RFC 7592)', async () => {
    const target = await registerClientCredentialsClient();
    const address = ATTACKER_ADDRESS;
    const path = `/oauth/register/${target.clientId}`;
    const wrong = () => send(path, { headers: { ...bearer('wrong-token'), 'CF-Connecting-IP': address } });
    expect(await statuses(CLIENT_AUTH_FAILURE_LIMIT, wrong)).toEqual(Array(CLIENT_AUTH_FAILURE_LIMIT).fill(401));
    await expectThrottled(await wrong());
    const right = await send(path, {
      headers: { ...bearer(target.registrationAccessToken), 'CF-Connecting-IP': address },
    });
    expect(right.status).toBe(200);
  });
});
