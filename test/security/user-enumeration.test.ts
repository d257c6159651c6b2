// User and client enumeration (RFC 6819 §4.4.3.6, §5.1.4.2.3; RFC 7592 §2): the answers to an unknown account and to
// a wrong password are byte for byte the same, and so are those to an unknown client and to a wrong secret, or to a
// registration token for a client that does not exist and one for a client that does.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { OIDC_CLIENT_SCOPES } from '../helpers/authorization';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';
import { bearer, registerClientCredentialsClient, sendJson } from '../helpers/registration';
import { createTestUser } from '../helpers/users';

/** A response as an attacker compares it: status, the headers that could differ, and the body. */
async function observable(response: Response, normalize: (body: string) => string = (body) => body) {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
    body: normalize(await response.text()),
  };
}

/**
 * The login page without what differs per browser (its CSRF token, in each of its forms), per response (the passkey
 * scripts' CSP nonce) and per attempt (the typed username).
 */
function loginPageWithout(username: string) {
  return (html: string) =>
    html
      .replaceAll(/name="csrf_token" value="[^"]+"/g, '')
      .replaceAll(/nonce="[^"]+"/g, '')
      .replaceAll(username, 'USERNAME');
}

describe('user enumeration at login (RFC 6819 §4.4.3.6)', () => {
  it('answers an unknown username, a wrong password and a disabled account identically', async () => {
    const { user, password } = await createTestUser();
    const { user: disabled, password: disabledPassword } = await createTestUser();
    await storesFor(env.DB).users.setDisabled(disabled.id, true, 1);
    const unknown = `nobody_${crypto.randomUUID().slice(0, 8)}`;

    const answers = await Promise.all([
      loginAs(new TestBrowser(), unknown, password).then((r) => observable(r, loginPageWithout(unknown))),
      loginAs(new TestBrowser(), user.username, 'a wrong password').then((r) =>
        observable(r, loginPageWithout(user.username)),
      ),
      loginAs(new TestBrowser(), disabled.username, disabledPassword).then((r) =>
        observable(r, loginPageWithout(disabled.username)),
      ),
    ]);
    expect(answers[0]!.status).toBe(401);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('answers the password grant’s unknown user and wrong password identically', async () => {
    const client = await createTestClient({ grantTypes: ['password'], scopes: OIDC_CLIENT_SCOPES });
    const { user } = await createTestUser();
    const guess = (username: string) =>
      postForm(
        '/oauth/token',
        { grant_type: 'password', username, password: 'a wrong password' },
        { Authorization: basicAuthorization(client.client.id, client.secret) },
      ).then((r) => observable(r));
    expect(await guess(`nobody_${crypto.randomUUID().slice(0, 8)}`)).toEqual(await guess(user.username));
  });
});

describe('client enumeration (RFC 6749 §5.2, RFC 7592 §2)', () => {
  it('answers an unknown client_id and a wrong secret identically at the token endpoint', async () => {
    const { client } = await createTestClient();
    const attempt = (clientId: string) =>
      postForm(
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { Authorization: basicAuthorization(clientId, 'not-the-secret') },
      ).then((r) => observable(r));
    expect(await attempt('no-such-client')).toEqual(await attempt(client.id));
  });

  it.each(['GET', 'PUT', 'DELETE'])(
    'answers %s on a registration with a wrong token identically whether or not the client exists',
    async (method) => {
      const { clientId } = await registerClientCredentialsClient();
      const attempt = (id: string) =>
        (method === 'PUT'
          ? sendJson(`/oauth/register/${id}`, method, { client_id: id }, bearer('wrong-token'))
          : send(`/oauth/register/${id}`, { method, headers: bearer('wrong-token') })
        ).then((r) => observable(r));
      expect(await attempt('no-such-client')).toEqual(await attempt(clientId));
    },
  );
});
