// CORS on the sample API (/api/unicorns): a preflight is never challenged, and is answered for an origin some client
// registered in `allowed_origins`; an actual response is shared with such an origin, including the WWW-Authenticate
// challenge of a 401 (Access-Control-Expose-Headers); an origin no client registered gets no CORS headers at all.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOWED_ORIGINS_TTL_SECONDS } from '../../src/storage/origins';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm, send } from '../helpers/http';

const SPA = 'https://spa.test';
const UNKNOWN = 'https://evil.test';

function corsHeaders(response: Response): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name.startsWith('access-control-') || name === 'vary') picked[name] = value;
  }
  return picked;
}

function preflight(origin: string, method = 'GET'): Promise<Response> {
  return send('/api/unicorns', {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'authorization',
    },
  });
}

async function tokenOfSpaClient(): Promise<string> {
  const { client, secret } = await createTestClient({ scopes: ['read'], allowedOrigins: [SPA] });
  const response = await postForm(
    '/oauth/token',
    { grant_type: 'client_credentials' },
    { Authorization: basicAuthorization(client.id, secret) },
  );
  return (await response.json<{ access_token: string }>()).access_token;
}

// Each test starts past the isolate's origin-set TTL, so the set holds the clients the test creates (cors.test.ts).
let clock = Date.now();
beforeEach(() => {
  clock += (ALLOWED_ORIGINS_TTL_SECONDS + 1) * 1000;
  vi.setSystemTime(clock);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('CORS on /api/unicorns', () => {
  it('answers the preflight of a registered origin with 204 and no challenge (Fetch §3.2.2)', async () => {
    await createTestClient({ allowedOrigins: [SPA] });
    for (const method of ['GET', 'POST']) {
      const response = await preflight(SPA, method);
      expect(response.status).toBe(204);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(corsHeaders(response)).toEqual({
        'access-control-allow-origin': SPA,
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': 'Authorization,Content-Type,DPoP',
        'access-control-expose-headers': 'WWW-Authenticate,DPoP-Nonce',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Headers',
      });
    }
  });

  it('shares responses with a registered origin, the 401 challenge included', async () => {
    const token = await tokenOfSpaClient();
    const listed = await send('/api/unicorns', { headers: { Origin: SPA, Authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    expect(corsHeaders(listed)).toEqual({
      'access-control-allow-origin': SPA,
      'access-control-expose-headers': 'WWW-Authenticate,DPoP-Nonce',
      vary: 'Origin',
    });
    const refused = await send('/api/unicorns', { headers: { Origin: SPA } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(corsHeaders(refused)).toEqual({
      'access-control-allow-origin': SPA,
      'access-control-expose-headers': 'WWW-Authenticate,DPoP-Nonce',
      vary: 'Origin',
    });
  });

  it('gives an origin no client registered no Access-Control-Allow-Origin, so browsers block it', async () => {
    const token = await tokenOfSpaClient();
    const answer = await preflight(UNKNOWN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await send('/api/unicorns', { headers: { Origin: UNKNOWN, Authorization: `Bearer ${token}` } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    expect(actual.headers.get('vary')).toBe('Origin');
  });

  it('never shares with the opaque origin null', async () => {
    await createTestClient({ allowedOrigins: [SPA] });
    expect((await preflight('null')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
