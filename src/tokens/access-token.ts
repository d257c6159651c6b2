// JWT access tokens (RFC 9068): `typ: at+jwt`, signed with the key ring's primary key. Every token endpoint
// response signs one, so the JWS (RFC 7515 §7.1 compact serialization) is put together here: the protected header
// is encoded once per key, and the key, imported and checked once (keys.ts), signs through Web Crypto directly.
import { base64url } from 'jose';
import type { SigningKey } from './keys';
import { generateOpaqueToken } from './opaque';

export interface AccessTokenGrant {
  issuer: string;
  /** The resource owner, or the client itself for client_credentials (RFC 9068 §2.2). */
  subject: string;
  audience: string | string[];
  clientId: string;
  scopes: string[];
  ttlSeconds: number;
  /** Extra claims, e.g. auth_time for tokens issued from a user's authentication. */
  claims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

const encoder = new TextEncoder();
const encodedHeaders = new WeakMap<SigningKey, string>();

export async function issueAccessToken(grant: AccessTokenGrant, key: SigningKey, nowSeconds = epochSeconds()): Promise<IssuedAccessToken> {
  const payload = {
    ...grant.claims,
    client_id: grant.clientId,
    scope: grant.scopes.join(' '),
    iss: grant.issuer,
    sub: grant.subject,
    aud: grant.audience,
    jti: generateOpaqueToken(16),
    iat: nowSeconds,
    exp: nowSeconds + grant.ttlSeconds,
  };
  const signingInput = `${protectedHeader(key)}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(signatureAlgorithm(key), key.privateKey, encoder.encode(signingInput));
  return { token: `${signingInput}.${base64url.encode(new Uint8Array(signature))}`, expiresIn: grant.ttlSeconds };
}

function protectedHeader(key: SigningKey): string {
  let header = encodedHeaders.get(key);
  if (header === undefined) {
    header = base64url.encode(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }));
    encodedHeaders.set(key, header);
  }
  return header;
}

/**
 * RFC 7518 §3.4: ES256 is ECDSA with SHA-256, and Web Crypto's ECDSA signature is already the r || s the JWS
 * wants. RS256 (RSASSA-PKCS1-v1_5 with the hash fixed at import) and EdDSA (Ed25519) need only the key's name.
 */
function signatureAlgorithm(key: SigningKey): Parameters<SubtleCrypto['sign']>[0] {
  return key.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: key.privateKey.algorithm.name };
}

export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
