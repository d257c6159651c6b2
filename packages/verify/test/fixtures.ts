// Fixtures for the verifier tests: signing keys with their published JWKs, and RFC 9068 access tokens signed with
// them, every claim and header overridable (undefined removes one).
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const ISSUER = 'https://issuer.example';
export const AUDIENCE = 'https://api.example';

export interface TestKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  alg: 'ES256' | 'RS256' | 'EdDSA';
}

export async function createTestKey(alg: TestKey['alg'] = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  return { privateKey, publicJwk: { ...exported, kid, alg, use: 'sig' }, kid, alg };
}

export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function defaultClaims(): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: ISSUER,
    sub: 'client-1',
    aud: AUDIENCE,
    client_id: 'client-1',
    scope: 'read write',
    jti: 'jti-1',
    iat: now,
    exp: now + 300,
  };
}

type Overrides = Record<string, unknown>;

export async function signToken(key: TestKey, claims: Overrides = {}, header: Overrides = {}): Promise<string> {
  const payload = withoutUndefined({ ...defaultClaims(), ...claims });
  const protectedHeader = withoutUndefined({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header });
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** An unsigned token (`alg: none`), which jose refuses to produce. */
export function unsecuredToken(claims: Overrides = {}): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({ ...defaultClaims(), ...claims })}.`;
}

function withoutUndefined(record: Overrides): Overrides {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
