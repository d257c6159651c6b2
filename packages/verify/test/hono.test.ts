// @portcullis/verify's Hono middleware: a valid token passes with its claims on the context; RFC 6750 §3 answers for a
// missing token, another scheme, an invalid or malformed credential and a missing scope; 503 without a challenge
// when the JWKS is down; challenge parameters escaped (RFC 9110 §5.6.4).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import { createVerifier, VerifyError } from '@portcullis/verify';
import { bearerErrorResponse, requireScope, verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
import { AUDIENCE, createTestKey, ISSUER, jwksOf, signToken, type TestKey } from './fixtures.ts';

let key: TestKey;

beforeAll(async () => {
  key = await createTestKey('ES256');
});

function protectedApp() {
  const app = new Hono<AccessTokenEnv>();
  app.get(
    '/read',
    verifyAccessToken({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), scopes: ['read'] }),
    (c) => c.json({ sub: c.get('accessToken').sub }),
  );
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key) });
  app.post('/write', verifyAccessToken({ verifier, realm: 'unicorns' }), requireScope('write'), (c) =>
    c.text('written'),
  );
  return app;
}

const get = (path: string, authorization?: string) =>
  protectedApp().request(path, {
    method: path === '/write' ? 'POST' : 'GET',
    headers: authorization ? { Authorization: authorization } : {},
  });

describe('verifyAccessToken (RFC 6750 §3)', () => {
  it('passes a valid token with the scope and sets its claims on the context', async () => {
    const response = await get('/read', `Bearer ${await signToken(key, { scope: 'read' })}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'client-1' });
  });

  it('answers a request without a token with a challenge and no error code (§3.1)', async () => {
    const response = await get('/read');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(await response.json()).toEqual({ error_description: 'a bearer access token is required' });
  });

  it('answers a request with another authentication scheme as one without a token (§3.1)', async () => {
    const response = await get('/write', 'Basic YTpi');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="unicorns"');
  });

  it('answers an invalid token with 401 invalid_token', async () => {
    const response = await get('/read', `Bearer ${await signToken(key, { aud: 'https://other.example' })}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${AUDIENCE}", error="invalid_token", error_description="the access token is not meant for this resource"`,
    );
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is not meant for this resource',
    });
  });

  it('answers a malformed Bearer credential with 400 invalid_request', async () => {
    const response = await get('/read', 'Bearer a b');
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${AUDIENCE}", error="invalid_request", error_description="the Authorization header is not a valid Bearer credential"`,
    );
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the Authorization header is not a valid Bearer credential',
    });
  });

  it('answers a token without the required scope with 403 insufficient_scope naming the scope', async () => {
    for (const path of ['/read', '/write']) {
      const response = await get(path, `Bearer ${await signToken(key, { scope: 'profile' })}`);
      const scope = path.slice(1);
      const realm = path === '/read' ? AUDIENCE : 'unicorns';
      const description = `the access token lacks the scope this request requires: ${scope}`;
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="${realm}", error="insufficient_scope", error_description="${description}", scope="${scope}"`,
      );
      expect(await response.json()).toEqual({ error: 'insufficient_scope', error_description: description });
    }
  });

  it('answers 503 without a challenge when the JWKS cannot be fetched', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = new Hono().get(
      '/',
      verifyAccessToken({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksFetcher: async () => new Response(null, { status: 500 }),
      }),
      (c) => c.text('ok'),
    );
    const response = await app.request('/', { headers: { Authorization: `Bearer ${await signToken(key)}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the token signing keys could not be fetched',
    });
  });
});

describe('bearerErrorResponse', () => {
  it('escapes quotes and backslashes in challenge parameters (RFC 9110 §5.6.4)', () => {
    const response = bearerErrorResponse(new VerifyError('ERR_TOKEN_MALFORMED', 'a "quoted" \\ value'), 'realm "x"');
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="realm \\"x\\"", error="invalid_token", error_description="a \\"quoted\\" \\\\ value"',
    );
  });
});
