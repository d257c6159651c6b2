// ID Tokens: signed with the client's id_token_signed_response_alg if the ring has it, else RS256 (OIDC Core §3.1.3.7,
// Registration §2); at_hash is the left half of the alg's hash (§3.1.3.6); an EdDSA ID Token without auth_time or
// nonce verifies.
import { describe, expect, it } from 'vitest';
import { base64url, createLocalJWKSet, jwtVerify } from 'jose';
import { generateSigningJwk } from '../../src/tokens/generate-key';
import { accessTokenHash, idTokenSigningKey, issueIdToken } from '../../src/tokens/id-token';
import { importKeyRing, type KeyRing } from '../../src/tokens/keys';

async function keyRing(...algorithms: Array<'ES256' | 'RS256' | 'EdDSA'>): Promise<KeyRing> {
  return importKeyRing(await Promise.all(algorithms.map(async (alg) => ({ jwk: await generateSigningJwk(alg), alg }))));
}

describe('ID Token signing key (OIDC Core §3.1.3.7, Registration §2)', () => {
  it('uses the registered algorithm when the key ring has it, else RS256, else the primary key', async () => {
    const keys = await keyRing('ES256', 'RS256');
    expect(idTokenSigningKey(keys, 'ES256').alg).toBe('ES256');
    expect(idTokenSigningKey(keys, undefined).alg).toBe('RS256');
    expect(idTokenSigningKey(keys, 'EdDSA').alg).toBe('RS256');
    expect(idTokenSigningKey(keys, 'none').alg).toBe('RS256');
    expect(idTokenSigningKey(await keyRing('ES256'), undefined).alg).toBe('ES256');
  });
});

describe('at_hash (OIDC Core §3.1.3.6)', () => {
  it('is the left half of SHA-256 for RS256 and ES256, and of SHA-512 for EdDSA', async () => {
    const token = 'an.access.token';
    const half = async (hash: 'SHA-256' | 'SHA-512') => {
      const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(token)));
      return base64url.encode(digest.slice(0, digest.length / 2));
    };
    expect(await accessTokenHash(token, 'RS256')).toBe(await half('SHA-256'));
    expect(await accessTokenHash(token, 'ES256')).toBe(await half('SHA-256'));
    expect(await accessTokenHash(token, 'EdDSA')).toBe(await half('SHA-512'));
  });

  it('signs an EdDSA ID Token a relying party verifies, with no auth_time or nonce when none is known', async () => {
    const keys = await keyRing('EdDSA');
    const token = await issueIdToken(
      {
        issuer: 'https://issuer.test',
        subject: 'u1',
        clientId: 'c1',
        authTime: null,
        accessToken: 'at',
        ttlSeconds: 60,
        claims: {},
      },
      keys.primary,
      Math.floor(Date.now() / 1000),
    );
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.publicJwks), {
      issuer: 'https://issuer.test',
      audience: 'c1',
    });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: keys.primary.kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'https://issuer.test',
      sub: 'u1',
      aud: 'c1',
      azp: 'c1',
      iat: expect.any(Number),
      exp: payload.iat! + 60,
      at_hash: await accessTokenHash('at', 'EdDSA'),
    });
  });
});
