// CORS: discovery and the JWKS are shared with any origin (*); token, revoke, introspect and userinfo responses, errors
// included, only with an origin the client involved registered, always with Vary: Origin and never credentials; a
// newly registered origin is admitted once the isolate's cached origin set expires.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOWED_ORIGINS_TTL_SECONDS } from '../../src/storage/origins';
import { createPublicCodeClient, issueTestCode, REDIRECT_URI, signIn } from '../helpers/authorization';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const SPA = 'https://spa.test';
const OTHER_APP = 'https://other-app.test';
const UNKNOWN = 'https://evil.test';
const BASIC_CHALLENGE = 'Basic realm="portcullis", charset="UTF-8"';

/** The CORS answer of a response: every Access-Control-* header, plus Vary. */
function corsHeaders(response: Response): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name.startsWith('access-control-') || name === 'vary') picked[name] = value;
  }
  return picked;
}

function preflight(path: string, origin: string, method = 'POST'): Promise<Response> {
  return send(path, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'authorization, content-type',
    },
  });
}

const SHARED_WITH_SPA = {
  'access-control-allow-origin': SPA,
  'access-control-expose-headers': 'WWW-Authenticate, DPoP-Nonce',
  vary: 'Origin',
};
const NOT_SHARED = { vary: 'Origin' };

// The isolate keeps the set of allowed origins for ALLOWED_ORIGINS_TTL_SECONDS; every test starts past that, so the
// set it sees holds exactly the clients the test creates before its first preflight.
let clock = Date.now();
beforeEach(() => {
  clock += (ALLOWED_ORIGINS_TTL_SECONDS + 1) * 1000;
  vi.setSystemTime(clock);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('CORS on discovery and the JWKS', () => {
  it.each(['/.well-known/jwks.json', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'answers a preflight to %s from any origin with *, without credentials',
    async (path) => {
      const response = await preflight(path, UNKNOWN, 'GET');
      expect(response.status).toBe(204);
      expect(corsHeaders(response)).toEqual({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': '*',
        'access-control-max-age': '600',
      });
    },
  );

  it.each(['/.well-known/jwks.json', '/.well-known/openid-configuration'])(
    'serves %s to any origin with *',
    async (path) => {
      const response = await send(path, { headers: { Origin: UNKNOWN } });
      expect(response.status).toBe(200);
      expect(corsHeaders(response)).toEqual({ 'access-control-allow-origin': '*' });
    },
  );
});

describe('CORS preflights to the client endpoints', () => {
  it.each([
    ['/oauth/token', 'POST'],
    ['/oauth/revoke', 'POST'],
    ['/oauth/introspect', 'POST'],
    ['/oauth/userinfo', 'GET, POST'],
  ])('answers a preflight to %s from an origin a client registered', async (path, methods) => {
    await createTestClient({ allowedOrigins: [SPA] });
    const response = await preflight(path, SPA);
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toEqual({
      'access-control-allow-origin': SPA,
      'access-control-allow-methods': methods,
      'access-control-allow-headers': 'Authorization, Content-Type, DPoP',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(await response.text()).toBe('');
  });

  it('answers a preflight from an unknown origin without CORS headers, so the browser refuses', async () => {
    await createTestClient({ allowedOrigins: [SPA] });
    const response = await preflight('/oauth/token', UNKNOWN);
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toEqual(NOT_SHARED);
  });

  it('refuses the opaque origin null even when it is stored as an allowed origin', async () => {
    await createTestClient({ allowedOrigins: ['null'] });
    const response = await preflight('/oauth/token', 'null');
    expect(corsHeaders(response)).toEqual(NOT_SHARED);
  });

  it('admits an origin registered after the isolate loaded its origin set once the set expires', async () => {
    expect(corsHeaders(await preflight('/oauth/token', OTHER_APP))).toEqual(NOT_SHARED);
    await createTestClient({ allowedOrigins: [OTHER_APP] });
    // Within the TTL the cached set still answers: the documented delay for a new origin.
    expect(corsHeaders(await preflight('/oauth/token', OTHER_APP))).toEqual(NOT_SHARED);
    vi.setSystemTime(clock + ALLOWED_ORIGINS_TTL_SECONDS * 1000);
    expect(corsHeaders(await preflight('/oauth/token', OTHER_APP))['access-control-allow-origin']).toBe(OTHER_APP);
  });
});

describe('CORS on token endpoint responses', () => {
  async function tokenRequest(clientId: string, secret: string, origin: string): Promise<Response> {
    return postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(clientId, secret), Origin: origin },
    );
  }

  it('shares a token response with an origin the authenticated client registered', async () => {
    const { client, secret } = await createTestClient({ allowedOrigins: [SPA] });
    const response = await tokenRequest(client.id, secret, SPA);
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
    // Token requests carry no cookies: never credentials mode (and so never `*` with credentials).
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('does not share a response with an unknown origin, and varies on Origin', async () => {
    const { client, secret } = await createTestClient({ allowedOrigins: [SPA] });
    const response = await tokenRequest(client.id, secret, UNKNOWN);
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual(NOT_SHARED);
  });

  it('does not share a response with an origin that only another client registered', async () => {
    await createTestClient({ allowedOrigins: [OTHER_APP] });
    const { client, secret } = await createTestClient({ allowedOrigins: [SPA] });
    expect(corsHeaders(await preflight('/oauth/token', OTHER_APP))['access-control-allow-origin']).toBe(OTHER_APP);
    const response = await tokenRequest(client.id, secret, OTHER_APP);
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual(NOT_SHARED);
  });

  it('varies on Origin when the request has none', async () => {
    const { client, secret } = await createTestClient({ allowedOrigins: [SPA] });
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { Authorization: basicAuthorization(client.id, secret) },
    );
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual(NOT_SHARED);
  });

  it('shares a public client’s code exchange (client_id only, PKCE) with its registered origin, and with no other', async () => {
    const testClient = await createPublicCodeClient({ allowedOrigins: [SPA] });
    const { user } = await createTestUser();
    const exchange = async (origin: string) => {
      const { code, verifier } = await issueTestCode(testClient.client, user);
      const form = {
        grant_type: 'authorization_code',
        client_id: testClient.client.id,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      };
      return postForm('/oauth/token', form, { Origin: origin });
    };
    const fromSpa = await exchange(SPA);
    expect(fromSpa.status).toBe(200);
    expect(corsHeaders(fromSpa)).toEqual(SHARED_WITH_SPA);
    const fromOther = await exchange(OTHER_APP);
    expect(fromOther.status).toBe(200);
    expect(corsHeaders(fromOther)).toEqual(NOT_SHARED);
  });

  it('shares an error with a public client (client_id only) from its registered origin (RFC 6749 §5.2)', async () => {
    const { client } = await createTestClient({
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      allowedOrigins: [SPA],
    });
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: client.id },
      { Origin: SPA },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
  });

  it('shares invalid_client and its Basic challenge with an origin the named client registered', async () => {
    const { client } = await createTestClient({ allowedOrigins: [SPA] });
    const response = await tokenRequest(client.id, 'wrong-secret', SPA);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(BASIC_CHALLENGE);
    expect(await response.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
  });

  it('shares an error raised before client authentication with the named client’s origin', async () => {
    const { client } = await createTestClient({
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      allowedOrigins: [SPA],
    });
    const response = await postForm(
      '/oauth/token',
      { grant_type: 'urn:example:unknown', client_id: client.id },
      { Origin: SPA },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant_type urn:example:unknown is not supported',
    });
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
  });

  it('does not share errors for an unknown client_id or with another client’s origin', async () => {
    const { client } = await createTestClient({ allowedOrigins: [SPA] });
    const unknown = await postForm(
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: 'no-such-client' },
      { Origin: SPA },
    );
    expect(unknown.status).toBe(401);
    expect(corsHeaders(unknown)).toEqual(NOT_SHARED);
    const otherOrigin = await tokenRequest(client.id, 'wrong-secret', OTHER_APP);
    expect(otherOrigin.status).toBe(401);
    expect(corsHeaders(otherOrigin)).toEqual(NOT_SHARED);
  });
});

describe('CORS on userinfo responses', () => {
  // The status belongs to userinfo's own tests; here only the sharing decision, taken from the token's client_id.
  async function userAccessToken(allowedOrigins: string[]): Promise<string> {
    const testClient = await createPublicCodeClient({ allowedOrigins });
    return (await signIn(testClient, (await createTestUser()).user)).access_token;
  }

  it('shares the answer with an origin registered by the client the access token was issued to', async () => {
    const token = await userAccessToken([SPA]);
    const response = await send('/oauth/userinfo', { headers: { Authorization: `Bearer ${token}`, Origin: SPA } });
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
  });

  it('does not share the answer with an origin only another client registered, nor without a token', async () => {
    await createTestClient({ allowedOrigins: [OTHER_APP] });
    const token = await userAccessToken([SPA]);
    const otherOrigin = await send('/oauth/userinfo', {
      headers: { Authorization: `Bearer ${token}`, Origin: OTHER_APP },
    });
    expect(corsHeaders(otherOrigin)).toEqual(NOT_SHARED);
    const noToken = await send('/oauth/userinfo', { headers: { Origin: SPA } });
    expect(corsHeaders(noToken)).toEqual(NOT_SHARED);
  });

  it('reads the client from a token presented with the DPoP scheme too (RFC 9449 §7.1)', async () => {
    // Regression: only `Bearer` was read, so a browser app's DPoP userinfo call was never shared with it.
    const token = await userAccessToken([SPA]);
    const response = await send('/oauth/userinfo', { headers: { Authorization: `DPoP ${token}`, Origin: SPA } });
    expect(corsHeaders(response)).toEqual(SHARED_WITH_SPA);
  });
});
