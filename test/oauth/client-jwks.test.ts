// The client key source (oauth/client-jwks.ts): which jwks_uri values are fetched at all, the cache, and the 30 s
// cooldown between refetches that an unknown kid or a failed signature may ask for.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClientKeySource, jwksUriAllowed } from '../../src/oauth/client-jwks';
import type { Client } from '../../src/storage/types';
import { confidentialClientRecord } from '../fixtures/client-record';

afterEach(() => {
  vi.useRealTimers();
});

async function clientWithJwksUri(uri: string): Promise<Client> {
  return (await confidentialClientRecord('jwks-client', 'JWKS client', { metadata: { jwks_uri: uri } })).client;
}

describe('jwksUriAllowed', () => {
  it('takes https, and loopback http only while the issuer is local', () => {
    expect(jwksUriAllowed('https://client.example/jwks', false)).toBe(true);
    expect(jwksUriAllowed('http://127.0.0.1:9000/jwks', false)).toBe(false);
    expect(jwksUriAllowed('http://127.0.0.1:9000/jwks', true)).toBe(true);
    expect(jwksUriAllowed('http://client.example/jwks', true)).toBe(false);
    expect(jwksUriAllowed('file:///etc/passwd', true)).toBe(false);
  });
});

describe('createClientKeySource', () => {
  it('fetches once, serves the cached set, and refetches at most every 30 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let served = 0;
    const fetch = vi.fn(async () => Response.json({ keys: [{ kty: 'EC', kid: `k${++served}` }] }));
    const source = createClientKeySource({ fetch, allowLoopbackHttp: false });
    const client = await clientWithJwksUri('https://client.example/jwks');
    expect((await source.keysOf(client)).keys[0]?.kid).toBe('k1');
    expect((await source.keysOf(client)).keys[0]?.kid).toBe('k1');
    expect(await source.refetch(client)).toBeNull();
    vi.setSystemTime(Date.now() + 31_000);
    expect((await source.refetch(client))?.keys[0]?.kid).toBe('k2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('answers no keys for a refused uri, a non-200, a non-JWKS body and a network failure', async () => {
    const answers = [
      async () => new Response('nope', { status: 404 }),
      async () => Response.json({ not: 'a set' }),
      async () => {
        throw new TypeError('network down');
      },
    ];
    for (const answer of answers) {
      const source = createClientKeySource({ fetch: vi.fn(answer), allowLoopbackHttp: false });
      expect(await source.keysOf(await clientWithJwksUri('https://client.example/jwks'))).toEqual({ keys: [] });
    }
    const fetch = vi.fn();
    const source = createClientKeySource({ fetch, allowLoopbackHttp: false });
    expect(await source.keysOf(await clientWithJwksUri('http://127.0.0.1/jwks'))).toEqual({ keys: [] });
    expect(fetch).not.toHaveBeenCalled();
  });
});
