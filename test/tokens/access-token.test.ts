// JWT access tokens (RFC 9068 §2): every signing algorithm of the key ring yields a JWS that verifies against the
// published key, with the `at+jwt` header (§2.1) and the required claims (§2.2).
import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { issueAccessToken } from '../../src/tokens/access-token';
import { generateSigningJwk } from '../../src/tokens/generate-key';
import { importKeyRing, SIGNING_ALGORITHMS } from '../../src/tokens/keys';

describe('issueAccessToken (RFC 9068 §2)', () => {
  it.each(SIGNING_ALGORITHMS)(
    'signs a %s token that verifies, with the at+jwt header and the RFC 9068 claims',
    async (alg) => {
      const keys = await importKeyRing([{ jwk: await generateSigningJwk(alg), alg }]);
      const now = Math.floor(Date.now() / 1000);
      const grant = {
        issuer: 'https://issuer.example',
        subject: 'user-1',
        audience: 'https://api.example',
        clientId: 'client-1',
        scopes: ['read', 'write'],
        ttlSeconds: 600,
      };
      const { token, expiresIn } = await issueAccessToken(
        { ...grant, claims: { auth_time: now - 5 } },
        keys.primary,
        now,
      );
      expect(expiresIn).toBe(600);
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: keys.primary.kid, typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys.publicJwks), {
        typ: 'at+jwt',
        algorithms: [alg],
      });
      expect(payload).toEqual({
        auth_time: now - 5,
        client_id: 'client-1',
        scope: 'read write',
        iss: 'https://issuer.example',
        sub: 'user-1',
        aud: 'https://api.example',
        jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        iat: now,
        exp: now + 600,
      });
    },
  );
});
