// /oauth/authorize with a native app's loopback redirect URI (RFC 8252 §7.3): any port is accepted on a registered
// loopback IP URI, and nothing else may differ from the registered string (RFC 9700 §4.1.3): other spellings the
// WHATWG parser would normalise to it, and control characters, get the error page, never a redirect or a 500.
import { describe, expect, it } from 'vitest';
import { createPublicCodeClient } from '../helpers/authorization';
import { codeRequest } from '../helpers/authorize';
import { send } from '../helpers/http';

const NOT_REGISTERED = 'The redirect_uri is not one the application registered, so you are not sent there.';

async function authorizeWith(redirectUris: string[], redirectUri: string, overrides = {}): Promise<Response> {
  const { client } = await createPublicCodeClient({ redirectUris });
  return send((await codeRequest(client, { redirect_uri: redirectUri, ...overrides })).path, { redirect: 'manual' });
}

describe('GET /oauth/authorize with a native app loopback redirect URI', () => {
  it('accepts any port on a registered loopback IP redirect URI (RFC 8252 §7.3), and no other change', async () => {
    const { client } = await createPublicCodeClient({ redirectUris: ['http://127.0.0.1/callback'] });
    const ephemeralPort = await send(
      (await codeRequest(client, { redirect_uri: 'http://127.0.0.1:49152/callback' })).path,
      { redirect: 'manual' },
    );
    expect(ephemeralPort.status).toBe(302);
    expect(new URL(ephemeralPort.headers.get('location')!, 'https://issuer.test').pathname).toBe('/login');

    const otherPath = await send(
      (await codeRequest(client, { redirect_uri: 'http://127.0.0.1:49152/elsewhere' })).path,
      { redirect: 'manual' },
    );
    expect(otherPath.status).toBe(400);
    expect(otherPath.headers.get('location')).toBeNull();
  });

  it('redirects to the registered URI with the requested port', async () => {
    const response = await authorizeWith(
      ['http://127.0.0.1:8000/callback?app=1'],
      'http://127.0.0.1:49152/callback?app=1',
      {
        response_type: 'token',
      },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:49152\/callback\?app=1&error=/);
  });

  it.each([
    ['a trailing %0A', 'http://127.0.0.1:49152/callback\n'],
    ['a CR LF inside', 'http://127.0.0.1:49152/call\r\nback'],
    ['a tab', 'http://127.0.0.1:49152/call\tback'],
    ['a space', 'http://127.0.0.1:49152/callback '],
    ['an upper-case scheme', 'HTTP://127.0.0.1:49152/callback'],
    ['127.1', 'http://127.1:49152/callback'],
    ['a hexadecimal octet', 'http://0x7f.0.0.1:49152/callback'],
    ['a 32-bit number', 'http://2130706433:49152/callback'],
    ['full-width digits', 'http://１２７.0.0.1:49152/callback'],
    ['a backslash', 'http://127.0.0.1:49152\\callback'],
    ['dot segments', 'http://127.0.0.1:49152/x/../callback'],
    ['an empty port', 'http://127.0.0.1:/callback'],
    ['a port with a leading zero', 'http://127.0.0.1:049152/callback'],
    ['a port out of range', 'http://127.0.0.1:65536/callback'],
    ['userinfo', 'http://user@127.0.0.1:49152/callback'],
  ])('refuses %s as not registered (RFC 9700 §4.1.3), with the error page', async (_, redirectUri) => {
    const response = await authorizeWith(['http://127.0.0.1/callback'], redirectUri);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain(`<p>${NOT_REGISTERED}</p>`);
  });

  it('treats a stored redirect URI with a line break as matching nothing, instead of failing (no 500)', async () => {
    // Stored before registration refused control characters.
    const response = await authorizeWith(
      ['https://app.example/cb\r\nSet-Cookie: x=1'],
      'https://app.example/cb\r\nSet-Cookie: x=1',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
