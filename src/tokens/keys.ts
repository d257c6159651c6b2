// Signing keys: parse the private JWK set from the SIGNING_KEYS secret, import each key once, and publish the
// public halves as the JWKS (RFC 7517). The first key of each algorithm signs; every key is published, so a key
// kept second after a new one is prepended still verifies the tokens it signed (rotation). Managed keys
// (oauth/managed-keys.ts) build their rings with buildKeyRing too.
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { hashOpaqueToken } from './opaque';

export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
}

/** What the JWKS response's Cache-Control allows caches to keep it for; key rotation leads by more than this. */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * Where requests get the key ring: one fixed ring (SIGNING_KEYS), or the ring that D1's managed keys give at this
 * moment. `algorithms` is known without I/O, for discovery.
 */
export interface SigningKeySource {
  algorithms: readonly SigningAlgorithm[];
  current(): Promise<KeyRing>;
}

export function fixedKeySource(ring: Promise<KeyRing>, algorithms: readonly SigningAlgorithm[]): SigningKeySource {
  return { algorithms, current: () => ring };
}

export interface KeyRing {
  /** The key that signs access tokens: the first in the set. */
  primary: SigningKey;
  /** The first key of the given algorithm, if the set has one. */
  forAlgorithm(alg: SigningAlgorithm): SigningKey | undefined;
  algorithms: SigningAlgorithm[];
  publicJwks: { keys: JWK[] };
  /** The JWKS serialized once, with its strong ETag, so the endpoint does no work per request. */
  jwksBody: string;
  jwksEtag: string;
}

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
  OKP: ['kty', 'crv', 'x'],
};

/** Validates the shape of a private JWK set and returns its keys with their algorithms; throws a readable Error. */
export function parseSigningKeySet(json: string | undefined): Array<{ jwk: JWK; alg: SigningAlgorithm }> {
  if (!json || json.trim() === '') {
    throw new Error(
      'SIGNING_KEYS is not set: run `npm run keys:generate` and store its output with `wrangler secret put SIGNING_KEYS`, or set KEY_ENCRYPTION_KEY for managed keys',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('SIGNING_KEYS is not valid JSON: expected a JWK set {"keys":[...]}');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error('SIGNING_KEYS must be a JWK set with at least one key: {"keys":[...]}');
  }
  return keys.map((key: unknown, index) => {
    const jwk = key as JWK;
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') {
      throw new Error(`SIGNING_KEYS key ${index} is not a JWK`);
    }
    if (typeof jwk.d !== 'string') throw new Error(`SIGNING_KEYS key ${index} has no private part ("d")`);
    const alg = algorithmOf(jwk);
    if (!alg) throw new Error(`SIGNING_KEYS key ${index} is not an ES256 (P-256), RS256 or EdDSA (Ed25519) key`);
    if (jwk.alg !== undefined && jwk.alg !== alg) {
      throw new Error(`SIGNING_KEYS key ${index} declares alg ${jwk.alg}, which does not match its key type`);
    }
    return { jwk, alg };
  });
}

function algorithmOf(jwk: JWK): SigningAlgorithm | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

export function publicJwkOf(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
  return Object.fromEntries(members.map((member) => [member, (jwk as Record<string, unknown>)[member]])) as JWK;
}

export async function importKeyRing(parsedKeys: Array<{ jwk: JWK; alg: SigningAlgorithm }>): Promise<KeyRing> {
  const entries = await Promise.all(
    parsedKeys.map(async ({ jwk, alg }) => {
      const publicJwk = publicJwkOf(jwk);
      const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
      const privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
      return { signer: { kid, alg, privateKey }, published: publishedJwk(publicJwk, kid, alg) };
    }),
  );
  return buildKeyRing(
    entries.map((entry) => entry.signer),
    entries.map((entry) => entry.published),
  );
}

/** The JWKS member of a public key: its kid, alg and `use: sig` (RFC 7517 §4). */
export function publishedJwk(publicJwk: JWK, kid: string, alg: SigningAlgorithm): JWK {
  return { ...publicJwk, kid, alg, use: 'sig' };
}

/** A ring from the keys that may sign (the first signs access tokens) and the public keys to publish. */
export async function buildKeyRing(signers: SigningKey[], published: JWK[]): Promise<KeyRing> {
  const publicJwks = { keys: published };
  const jwksBody = JSON.stringify(publicJwks);
  return {
    primary: signers[0]!,
    forAlgorithm: (alg) => signers.find((key) => key.alg === alg),
    algorithms: [...new Set(signers.map((key) => key.alg))],
    publicJwks,
    jwksBody,
    jwksEtag: `"${await hashOpaqueToken(jwksBody)}"`,
  };
}
