// Wrong methods on the protocol endpoints: 405 with an Allow header listing the methods the endpoint answers, and an
// RFC 6749 §5.2-shaped JSON error (RFC 9110 §15.5.6: a 405 MUST carry Allow), never 404, a page or a 500.
import { describe, expect, it } from 'vitest';
import { send } from '../helpers/http';

const CASES: Array<[string, string, string]> = [
  ['GET', '/oauth/token', 'POST'],
  ['PUT', '/oauth/token', 'POST'],
  ['GET', '/oauth/revoke', 'POST'],
  ['DELETE', '/oauth/introspect', 'POST'],
  ['GET', '/oauth/register', 'POST'],
  ['POST', '/oauth/register/some-client', 'GET, HEAD, PUT, DELETE'],
  ['PATCH', '/oauth/register/some-client', 'GET, HEAD, PUT, DELETE'],
  ['DELETE', '/oauth/userinfo', 'GET, HEAD, POST'],
  ['PUT', '/oauth/authorize', 'GET, HEAD, POST'],
  ['DELETE', '/oauth/logout', 'GET, HEAD, POST'],
  ['POST', '/.well-known/openid-configuration', 'GET, HEAD'],
  ['POST', '/.well-known/oauth-authorization-server', 'GET, HEAD'],
  ['DELETE', '/.well-known/jwks.json', 'GET, HEAD'],
  ['GET', '/oauth/device_authorization', 'POST'],
  ['GET', '/oauth/par', 'POST'],
];

describe('wrong methods on protocol endpoints (RFC 9110 §15.5.6)', () => {
  it.each(CASES)('answers %s %s with 405, Allow: %s and invalid_request', async (method, path, allow) => {
    const response = await send(path, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: `the ${method} method is not allowed here; use ${allow}`,
    });
  });

  it('still answers the methods an endpoint has', async () => {
    expect((await send('/.well-known/openid-configuration')).status).toBe(200);
    expect((await send('/oauth/token', { method: 'POST' })).status).toBe(400);
  });
});
