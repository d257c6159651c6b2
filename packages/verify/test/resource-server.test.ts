// The resource-server helpers: CORS preflights pass the guard unchallenged, resourceCors shares responses (and the
// challenge header) only with allowed origins, and protectedResource publishes RFC 9728 metadata at the §3.1 URL and
// names it in every challenge (§5.1), with 403 insufficient_scope naming the scope (RFC 6750 §3.1).
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { protectedResourceMetadata, resourceMetadataUrl } from '@portcullis/verify';
import { protectedResource, resourceCors, verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
import { createTestKey, ISSUER, jwksOf, signToken, type TestKey } from './fixtures.ts';

const RESOURCE = 'https://api.example/v1';
const METADATA_URL = 'https://api.example/.well-known/oauth-protected-resource/v1';
const ALLOWED = 'https://app.example';

let key: TestKey;

beforeAll(async () => {
  key = await createTestKey('ES256');
});

function apiApp() {
  const api = protectedResource({
    issuer: ISSUER,
    audience: RESOURCE,
    jwks: jwksOf(key),
    scopesSupported: ['read', 'write'],
    resourceDocumentation: 'https://api.example/docs',
  });
  const app = new Hono<AccessTokenEnv>();
  app.get(api.metadata.path, api.metadataHandler);
  app.use('/v1/*', resourceCors({ origin: [ALLOWED] }));
  app.get('/v1/things', api.guard(['read']), (c) => c.json({ caller: c.get('accessToken').sub }));
  app.post('/v1/things', api.guard(['write']), (c) => c.json({ created: true }, 201));
  return app;
}

const request = (path: string, init: RequestInit = {}) => apiApp().request(`https://api.example${path}`, init);

describe('RFC 9728 protected resource metadata', () => {
  it('inserts the well-known suffix between host and path (§3.1)', () => {
    expect(resourceMetadataUrl('https://api.example/v1')).toBe(METADATA_URL);
    expect(resourceMetadataUrl('https://api.example')).toBe('https://api.example/.well-known/oauth-protected-resource');
    expect(resourceMetadataUrl('https://api.example/')).toBe(
      'https://api.example/.well-known/oauth-protected-resource',
    );
    expect(() => resourceMetadataUrl('https://api.example/v1#x')).toThrow(TypeError);
  });

  it('builds the document from the verifier options: resource = audience, authorization server = issuer (§2)', () => {
    expect(protectedResourceMetadata({ issuer: ISSUER, audience: [RESOURCE, 'https://other.example'] })).toEqual({
      document: { resource: RESOURCE, authorization_servers: [ISSUER], bearer_methods_supported: ['header'] },
      url: METADATA_URL,
      path: '/.well-known/oauth-protected-resource/v1',
    });
  });

  it('serves the document at its path, cacheable and readable from any origin (§3.2)', async () => {
    const response = await request('/.well-known/oauth-protected-resource/v1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      scopes_supported: ['read', 'write'],
      resource_documentation: 'https://api.example/docs',
    });
  });

  it('names the metadata in the 401 challenge of a request without a token (§5.1)', async () => {
    const response = await request('/v1/things');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${RESOURCE}", resource_metadata="${METADATA_URL}"`,
    );
  });

  it('answers a missing scope with 403 insufficient_scope naming it, and the metadata (RFC 6750 §3.1)', async () => {
    const token = await signToken(key, { aud: RESOURCE, scope: 'read' });
    const response = await request('/v1/things', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${RESOURCE}", resource_metadata="${METADATA_URL}", error="insufficient_scope", ` +
        'error_description="the access token lacks the scope this request requires: write", scope="write"',
    );
  });
});

describe('CORS for a resource server', () => {
  const preflight = (origin: string) =>
    request('/v1/things', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });

  it('answers a preflight from an allowed origin, never challenging it', async () => {
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,DPoP');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('gives a refused origin no Access-Control-Allow-Origin, so the browser blocks it', async () => {
    const response = await preflight('https://evil.example');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await request('/v1/things', { headers: { Origin: 'https://evil.example' } });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed origin read the WWW-Authenticate challenge of a 401 (Access-Control-Expose-Headers)', async () => {
    const response = await request('/v1/things', { headers: { Origin: ALLOWED } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate,DPoP-Nonce');
  });

  it('never challenges an OPTIONS without Authorization, even with no CORS middleware in front', async () => {
    const app = new Hono<AccessTokenEnv>();
    app.use('/x', verifyAccessToken({ issuer: ISSUER, audience: RESOURCE, jwks: jwksOf(key) }));
    app.options('/x', (c) => c.body(null, 204));
    const response = await app.request('/x', { method: 'OPTIONS', headers: { Origin: ALLOWED } });
    expect(response.status).toBe(204);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});
