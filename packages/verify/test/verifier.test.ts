// createVerifier, the resource servers' library: RFC 9068 §4 validation (typ at+jwt, exact iss, aud, time claims with
// tolerance, required claims), the alg allow-list against none and HMAC confusion (RFC 8725), JWKS rotation with a
// refetch cooldown, the verified-token cache, and requireScopes.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { base64url, SignJWT } from 'jose';
import {
  createVerifier,
  requireScopes,
  VerifyError,
  type VerifierOptions,
  type VerifyErrorCode,
} from '@portcullis/verify';
import {
  AUDIENCE,
  createTestKey,
  defaultClaims,
  ISSUER,
  jwksOf,
  nowSeconds,
  signToken,
  unsecuredToken,
  type TestKey,
} from './fixtures.ts';

let key: TestKey;
let otherKey: TestKey;

beforeAll(async () => {
  key = await createTestKey('ES256');
  otherKey = await createTestKey('ES256');
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function verifierWith(options: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), ...options });
}

async function expectRefusal(verifying: Promise<unknown>, code: VerifyErrorCode, message?: string) {
  const error = await verifying.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(VerifyError);
  expect((error as VerifyError).code).toBe(code);
  if (message !== undefined) expect((error as VerifyError).message).toBe(message);
}

describe('createVerifier: RFC 9068 §4 validation', () => {
  it('returns the claims of a valid access token', async () => {
    const claims = defaultClaims();
    await expect(verifierWith()(await signToken(key, claims))).resolves.toEqual(claims);
  });

  it('reads the token from an Authorization: Bearer header (RFC 6750 §2.1)', async () => {
    const token = await signToken(key);
    const request = new Request('https://api.example/', { headers: { Authorization: `bearer ${token}` } });
    await expect(verifierWith()(request)).resolves.toMatchObject({ sub: 'client-1' });
  });

  it('accepts typ application/at+jwt, the long form of at+jwt', async () => {
    await expect(verifierWith()(await signToken(key, {}, { typ: 'application/at+jwt' }))).resolves.toMatchObject({
      sub: 'client-1',
    });
  });

  it('accepts a token whose aud lists this resource among others', async () => {
    const token = await signToken(key, { aud: ['https://other.example', AUDIENCE] });
    await expect(verifierWith()(token)).resolves.toMatchObject({ aud: ['https://other.example', AUDIENCE] });
  });

  it('refuses an expired token beyond the clock tolerance and accepts one within it', async () => {
    const now = nowSeconds();
    const verify = verifierWith({ clockToleranceSeconds: 10 });
    await expectRefusal(
      verify(await signToken(key, { iat: now - 100, exp: now - 11 })),
      'ERR_TOKEN_EXPIRED',
      'the access token has expired',
    );
    await expect(verify(await signToken(key, { iat: now - 100, exp: now - 5 }))).resolves.toMatchObject({
      exp: now - 5,
    });
  });

  it('refuses a token whose nbf is in the future', async () => {
    await expectRefusal(verifierWith()(await signToken(key, { nbf: nowSeconds() + 60 })), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('refuses a token issued in the future', async () => {
    await expectRefusal(verifierWith()(await signToken(key, { iat: nowSeconds() + 60 })), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('refuses a token for another audience (RFC 9068 §4 step 4)', async () => {
    await expectRefusal(
      verifierWith()(await signToken(key, { aud: 'https://other.example' })),
      'ERR_AUDIENCE_MISMATCH',
      'the access token is not meant for this resource',
    );
  });

  it('refuses a token from another issuer, compared exactly (RFC 9068 §4 step 3)', async () => {
    await expectRefusal(verifierWith()(await signToken(key, { iss: 'https://evil.example' })), 'ERR_ISSUER_MISMATCH');
    await expectRefusal(verifierWith()(await signToken(key, { iss: `${ISSUER}/` })), 'ERR_ISSUER_MISMATCH');
  });

  it('refuses alg none (RFC 8725 §3.1)', async () => {
    await expectRefusal(verifierWith()(unsecuredToken()), 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const forged = await new SignJWT(defaultClaims())
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
      .sign(publicKeyBytes);
    await expectRefusal(verifierWith()(forged), 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  it('refuses to be configured with none or an HMAC algorithm', () => {
    expect(() => verifierWith({ algorithms: ['HS256'] as never })).toThrow(
      'algorithms may only list asymmetric algorithms, not: HS256',
    );
    expect(() => verifierWith({ algorithms: ['none'] as never })).toThrow(
      'algorithms may only list asymmetric algorithms, not: none',
    );
  });

  it('refuses a signing algorithm outside the allow-list', async () => {
    const rsaKey = await createTestKey('RS256');
    const verify = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsaKey), algorithms: ['ES256'] });
    await expectRefusal(verify(await signToken(rsaKey)), 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  it('refuses a tampered signature and a tampered payload', async () => {
    const [header, payload, signature] = (await signToken(key)).split('.') as [string, string, string];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    await expectRefusal(
      verifierWith()(`${header}.${payload}.${flipped}`),
      'ERR_SIGNATURE_INVALID',
      'the access token signature is invalid',
    );
    const widened = base64url.encode(JSON.stringify({ ...defaultClaims(), scope: 'read write admin' }));
    await expectRefusal(verifierWith()(`${header}.${widened}.${signature}`), 'ERR_SIGNATURE_INVALID');
  });

  it('refuses a token whose typ is not at+jwt (an ID token, or no typ at all)', async () => {
    await expectRefusal(
      verifierWith()(await signToken(key, {}, { typ: 'JWT' })),
      'ERR_TYPE_INVALID',
      'the access token is not of type at+jwt',
    );
    await expectRefusal(verifierWith()(await signToken(key, {}, { typ: undefined })), 'ERR_TYPE_INVALID');
  });

  it('refuses a token missing an RFC 9068 §2.2 claim or a configured one', async () => {
    await expectRefusal(
      verifierWith()(await signToken(key, { client_id: undefined })),
      'ERR_CLAIM_MISSING',
      'the access token has no client_id claim',
    );
    await expectRefusal(verifierWith()(await signToken(key, { jti: undefined })), 'ERR_CLAIM_MISSING');
    await expectRefusal(verifierWith({ requiredClaims: ['auth_time'] })(await signToken(key)), 'ERR_CLAIM_MISSING');
    await expectRefusal(verifierWith()(await signToken(key, { sub: 42 })), 'ERR_CLAIM_INVALID');
  });

  it('refuses what is not a JWT', async () => {
    await expectRefusal(
      verifierWith()('not-a-jwt'),
      'ERR_TOKEN_MALFORMED',
      'the access token is not a well-formed JWT',
    );
    await expectRefusal(verifierWith()(''), 'ERR_TOKEN_MISSING');
  });

  it('reports a missing or non-Bearer Authorization header as no token, and a malformed Bearer one as such', async () => {
    const requestWith = (authorization?: string) =>
      new Request('https://api.example/', {
        headers: authorization === undefined ? {} : { Authorization: authorization },
      });
    await expectRefusal(verifierWith()(requestWith()), 'ERR_TOKEN_MISSING', 'a bearer access token is required');
    await expectRefusal(verifierWith()(requestWith('Basic YTpi')), 'ERR_TOKEN_MISSING');
    await expectRefusal(verifierWith()(requestWith('Bearer')), 'ERR_REQUEST_MALFORMED');
    await expectRefusal(verifierWith()(requestWith('Bearer two tokens')), 'ERR_REQUEST_MALFORMED');
  });
});

describe('createVerifier: keys', () => {
  it('keeps verifying tokens of the old key while it stays in the set, and refuses an unknown key (rotation)', async () => {
    const newKey = await createTestKey('EdDSA');
    const verify = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(newKey, key) });
    await expect(verify(await signToken(key))).resolves.toMatchObject({ sub: 'client-1' });
    await expect(verify(await signToken(newKey))).resolves.toMatchObject({ sub: 'client-1' });
    await expectRefusal(
      verify(await signToken(otherKey)),
      'ERR_KEY_NOT_FOUND',
      'the access token is signed with an unknown key',
    );
  });

  it('fetches the JWKS through a service binding fetcher and refetches on an unknown kid after the cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let published = jwksOf(key);
    const fetcher = vi.fn(async (_url: string) => Response.json(published));
    const verify = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksFetcher: fetcher,
      jwksCooldownSeconds: 30,
    });

    await expect(verify(await signToken(key))).resolves.toMatchObject({ sub: 'client-1' });
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(fetcher.mock.calls[0]?.[0]).toBe(`${ISSUER}/.well-known/jwks.json`);

    // The issuer rotates in a new key; within the cooldown an unknown kid does not trigger a fetch.
    published = jwksOf(otherKey, key);
    await expectRefusal(verify(await signToken(otherKey, { jti: 'jti-2' })), 'ERR_KEY_NOT_FOUND');
    expect(fetcher).toHaveBeenCalledTimes(1);

    vi.setSystemTime(Date.now() + 31_000);
    await expect(verify(await signToken(otherKey, { jti: 'jti-3' }))).resolves.toMatchObject({ jti: 'jti-3' });
    expect(fetcher).toHaveBeenCalledTimes(2);
    await expect(verify(await signToken(key, { jti: 'jti-4' }))).resolves.toMatchObject({ jti: 'jti-4' });
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('fetches the JWKS from jwksUri', async () => {
    const fetcher = vi.fn(async (_url: string) => Response.json(jwksOf(key)));
    const verify = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: 'https://keys.example/jwks',
      jwksFetcher: fetcher,
    });
    await expect(verify(await signToken(key))).resolves.toMatchObject({ sub: 'client-1' });
    expect(fetcher.mock.calls[0]?.[0]).toBe('https://keys.example/jwks');
  });

  it("reports a JWKS that cannot be fetched as the verifier's problem, not the token's", async () => {
    const verify = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksFetcher: async () => new Response('down', { status: 502 }),
    });
    await expectRefusal(
      verify(await signToken(key)),
      'ERR_JWKS_UNAVAILABLE',
      'the token signing keys could not be fetched',
    );
  });

  it('refuses to be created without a key source', () => {
    expect(() => createVerifier({ issuer: ISSUER, audience: AUDIENCE })).toThrow(
      'createVerifier needs `jwks`, `jwksUri` or `jwksFetcher`',
    );
  });
});

describe('createVerifier: verified-token cache', () => {
  it("checks a repeated token's signature once, and again after the cache maximum age", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const signatureChecks = vi.spyOn(crypto.subtle, 'verify');
    const verify = verifierWith({ tokenCacheMaxAgeSeconds: 60 });
    const token = await signToken(key);

    await verify(token);
    await verify(token);
    expect(signatureChecks).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 61_000);
    await expect(verify(token)).resolves.toMatchObject({ sub: 'client-1' });
    expect(signatureChecks).toHaveBeenCalledTimes(2);
  });

  it('never serves a cached token past its exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verify = verifierWith({ tokenCacheMaxAgeSeconds: 3600, clockToleranceSeconds: 0 });
    const token = await signToken(key, { exp: nowSeconds() + 20 });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'client-1' });
    vi.setSystemTime(Date.now() + 21_000);
    await expectRefusal(verify(token), 'ERR_TOKEN_EXPIRED');
  });

  it('verifies every time when the cache is disabled', async () => {
    const signatureChecks = vi.spyOn(crypto.subtle, 'verify');
    const verify = verifierWith({ tokenCacheMaxAgeSeconds: 0 });
    const token = await signToken(key);
    await verify(token);
    await verify(token);
    expect(signatureChecks).toHaveBeenCalledTimes(2);
  });

  it("hands out frozen claims, so one request cannot alter another's", async () => {
    const verify = verifierWith();
    const claims = await verify(await signToken(key));
    expect(Object.isFrozen(claims)).toBe(true);
  });
});

describe('requireScopes', () => {
  it('passes when every required scope was granted and throws ERR_INSUFFICIENT_SCOPE otherwise', async () => {
    const claims = await verifierWith()(await signToken(key, { scope: 'read' }));
    expect(() => requireScopes(claims, ['read'])).not.toThrow();
    expect(() => requireScopes(claims, ['read', 'write'])).toThrow(
      expect.objectContaining({ code: 'ERR_INSUFFICIENT_SCOPE', requiredScopes: ['read', 'write'] }),
    );
  });
});
