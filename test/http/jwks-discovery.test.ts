// GET /.well-known/jwks.json: every configured key, public members only, with a thumbprint-sized kid, cacheable with
// a strong ETag (304); the metadata at both well-known paths (RFC 8414 §3, OIDC Discovery §4), with the issuer
// identical to the one requested (§3.3) and only endpoints that answer.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('GET /.well-known/jwks.json', () => {
  it('publishes every configured key, public members only, with kid = JWK thumbprint', async () => {
    const response = await send('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const text = await response.text();
    const { keys } = JSON.parse(text) as { keys: Array<Record<string, string>> };
    const configured = JSON.parse(env.SIGNING_KEYS!).keys as unknown[];
    expect(keys).toHaveLength(configured.length);
    expect(keys.map((key) => key.alg)).toEqual(['ES256', 'RS256']);
    for (const key of keys) {
      expect(key.use).toBe('sig');
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    expect(keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
    expect(keys[1]).toEqual({
      kty: 'RSA',
      n: expect.any(String),
      e: 'AQAB',
      kid: expect.any(String),
      alg: 'RS256',
      use: 'sig',
    });
    for (const member of PRIVATE_MEMBERS) expect(text).not.toContain(`"${member}":`);
  });

  it('sends exactly its precomputed headers, the API security ones included, and no per-request middleware headers', async () => {
    const response = await send('/.well-known/jwks.json');
    const headers = Object.fromEntries(response.headers);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
      etag: expect.stringMatching(/^"[A-Za-z0-9_-]+"$/),
      'access-control-allow-origin': '*',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it('answers HEAD with the headers alone, and a URL with a query string like one without', async () => {
    const full = await send('/.well-known/jwks.json?v=1');
    expect(full.status).toBe(200);
    const head = await send('/.well-known/jwks.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(full.headers.get('etag'));
    expect(await head.text()).toBe('');
  });

  it('answers 304 to a matching If-None-Match (strong ETag)', async () => {
    const etag = (await send('/.well-known/jwks.json')).headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const response = await send('/.well-known/jwks.json', { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });
});

describe('discovery (RFC 8414 §3, OIDC Discovery §4)', () => {
  it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    'serves metadata at %s',
    async (path) => {
      const response = await send(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('etag')).toMatch(/^"/);
      const metadata = await response.json<Record<string, unknown>>();
      expect(metadata).toMatchObject({
        issuer: TEST_ISSUER,
        token_endpoint: `${TEST_ISSUER}/oauth/token`,
        jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
        registration_endpoint: `${TEST_ISSUER}/oauth/register`,
        token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
        grant_types_supported: expect.arrayContaining(['client_credentials']),
        scopes_supported: expect.arrayContaining(['read', 'write']),
      });
      // RFC 8414 §3.3: the issuer in the document is identical to the one the client used.
      expect(new URL(path, metadata.issuer as string).origin).toBe(TEST_ISSUER);
    },
  );

  it('advertises only endpoints that answer', async () => {
    const metadata = await (await send('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    const checked: string[] = [];
    for (const [name, value] of Object.entries(metadata)) {
      if (!name.endsWith('_endpoint') || typeof value !== 'string') continue;
      const response = await send(value, {
        method:
          name === 'userinfo_endpoint' || name === 'authorization_endpoint' || name === 'end_session_endpoint'
            ? 'GET'
            : 'POST',
      });
      expect(response.status, name).not.toBe(404);
      checked.push(name);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'authorization_endpoint',
        'token_endpoint',
        'userinfo_endpoint',
        'revocation_endpoint',
        'introspection_endpoint',
        'end_session_endpoint',
        'registration_endpoint',
      ]),
    );
  });
});
