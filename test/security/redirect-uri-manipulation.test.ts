// Redirect-URI manipulation at /oauth/authorize (RFC 9700 §4.1): every near miss of a registered redirect URI gets
// the error page and no Location, since the exact string match of §4.1.3 is the defence; for loopback IP URIs only the
// port may differ (RFC 8252 §7.3), and the redirect goes to the registered spelling, never to the raw input.
import { describe, expect, it } from 'vitest';
import { createPublicCodeClient, REDIRECT_URI } from '../helpers/authorization';
import { codeRequest } from '../helpers/authorize';
import { send } from '../helpers/http';
import { register } from '../helpers/registration';

const LOOPBACK_URI = 'http://127.0.0.1:8400/callback';

async function authorizeWith(redirectUri: string, registered = [REDIRECT_URI]): Promise<Response> {
  const { client } = await createPublicCodeClient({ redirectUris: registered });
  return send((await codeRequest(client, { redirect_uri: redirectUri })).path, { redirect: 'manual' });
}

/** RFC 6749 §4.1.2.1: an unverified redirect URI is never redirected to; the user sees an error page. */
async function expectRefusedWithoutRedirect(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(await response.text()).toContain('The redirect_uri is not one the application registered');
}

describe('redirect-URI manipulation (RFC 9700 §4.1.3: exact string matching)', () => {
  it.each([
    ['prefix', 'https://app.example/call'],
    ['suffix on the path', `${REDIRECT_URI}-evil`],
    ['suffix on the host', 'https://app.example.evil.example/callback'],
    ['extra path segment', `${REDIRECT_URI}/evil`],
    ['path traversal', 'https://app.example/callback/../evil'],
    ['encoded path traversal', 'https://app.example/callback/%2e%2e/evil'],
    ['userinfo @ to another host', 'https://app.example@evil.example/callback'],
    ['userinfo @ before the registered host', 'https://evil.example@app.example/callback'],
    ['upper-case host', 'https://APP.EXAMPLE/callback'],
    ['upper-case scheme', 'HTTPS://app.example/callback'],
    ['upper-case path', 'https://app.example/Callback'],
    ['trailing slash', `${REDIRECT_URI}/`],
    ['trailing dot on the host', 'https://app.example./callback'],
    ['fragment', `${REDIRECT_URI}#evil`],
    ['empty fragment', `${REDIRECT_URI}#`],
    ['added query', `${REDIRECT_URI}?next=https://evil.example`],
    ['other port', 'https://app.example:8443/callback'],
    ['explicit default port', 'https://app.example:443/callback'],
    ['percent-encoded path', 'https://app.example/%63allback'],
    ['percent-encoded slash', 'https://app.example%2Fcallback'],
    ['downgrade to http', 'http://app.example/callback'],
  ])('refuses a redirect_uri with a %s (RFC 9700 §4.1.1)', async (_, redirectUri) => {
    await expectRefusedWithoutRedirect(await authorizeWith(redirectUri));
  });

  it.each([
    ['a trailing LF', `${REDIRECT_URI}\n`],
    ['a trailing CR LF', `${REDIRECT_URI}\r\n`],
    ['a header injected after CR LF', `${REDIRECT_URI}\r\nSet-Cookie: a=b`],
    ['a tab', 'https://app.example/call\tback'],
    ['a NUL', `${REDIRECT_URI}\u0000`],
    ['a leading space', ` ${REDIRECT_URI}`],
  ])('refuses a redirect_uri with control characters: %s, with a 400 and never a 500', async (_, redirectUri) => {
    await expectRefusedWithoutRedirect(await authorizeWith(redirectUri));
  });
});

describe('loopback redirect URIs (RFC 8252 §7.3, RFC 9700 §4.1.3: only the port may vary)', () => {
  it.each([
    ['localhost for 127.0.0.1', 'http://localhost:8400/callback'],
    ['upper-case scheme', 'HTTP://127.0.0.1:8400/callback'],
    ['short form 127.1', 'http://127.1:8400/callback'],
    ['hexadecimal 0x7f.0.0.1', 'http://0x7f.0.0.1:8400/callback'],
    ['decimal 2130706433', 'http://2130706433:8400/callback'],
    ['octal 0177.0.0.1', 'http://0177.0.0.1:8400/callback'],
    ['full-width digits', 'http://１２７.０.０.１:8400/callback'],
    ['backslash for the slash', 'http://127.0.0.1:8400\\callback'],
    ['a tab in the host', 'http://127.0.\t0.1:8400/callback'],
    ['dot segments', 'http://127.0.0.1:8400/x/../callback'],
    ['a trailing %0A', `${LOOPBACK_URI}%0A`],
    ['a trailing LF', `${LOOPBACK_URI}\n`],
    ['another loopback address', 'http://127.0.0.2:8400/callback'],
    ['IPv6 loopback for IPv4', 'http://[::1]:8400/callback'],
    ['https for http', 'https://127.0.0.1:8400/callback'],
  ])('refuses a loopback spelling: %s', async (_, redirectUri) => {
    await expectRefusedWithoutRedirect(await authorizeWith(redirectUri, [LOOPBACK_URI]));
  });

  it('accepts another port on the registered loopback URI, as native apps need', async () => {
    const response = await authorizeWith('http://127.0.0.1:51234/callback', [LOOPBACK_URI]);
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!, 'https://issuer.test').pathname).toBe('/login');
  });
});

describe('registration refuses redirect URIs an attacker could abuse later (RFC 7591 §2, RFC 9700 §2.1)', () => {
  it.each([
    ['a wildcard', 'https://*.app.example/callback'],
    ['a fragment', `${REDIRECT_URI}#x`],
    ['plain http off loopback', 'http://app.example/callback'],
    ['a LF', `${REDIRECT_URI}\n`],
    ['a CR LF', `${REDIRECT_URI}\r\nSet-Cookie: a=b`],
    ['a space', 'https://app.example/call back'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
  ])('refuses %s with invalid_redirect_uri', async (_, redirectUri) => {
    const { response, body } = await register({ client_name: 'Attacker', redirect_uris: [redirectUri] });
    expect(response.status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
  });
});
