// OpenID Connect ID Tokens (OIDC Core §2, §3.1.3.6): who signed in, for which client, when, with `at_hash`
// binding the access token issued alongside. Signed with the client's registered algorithm, else RS256.
import { base64url, SignJWT } from 'jose';
import { SIGNING_ALGORITHMS, type KeyRing, type SigningAlgorithm, type SigningKey } from './keys';

export interface IdTokenInput {
  issuer: string;
  subject: string;
  clientId: string;
  /** When the user authenticated; OIDC Core §2 requires it when max_age was requested. Every code records it. */
  authTime: number | null;
  /** Echoed from the authorization request; absent from ID Tokens issued on refresh (OIDC Core §12.2). */
  nonce?: string;
  /** The access token issued in the same response, hashed into `at_hash` (OIDC Core §3.1.3.6). */
  accessToken: string;
  ttlSeconds: number;
  /** Claims released by scope (profile, email). */
  claims: Record<string, unknown>;
}

export async function issueIdToken(input: IdTokenInput, key: SigningKey, nowSeconds: number): Promise<string> {
  return new SignJWT({
    ...input.claims,
    // OIDC Core §2 makes azp optional for a single audience equal to it; always sending it spares relying parties
    // a special case, and it is what §3.1.3.7 step 5 compares with the client id.
    azp: input.clientId,
    ...(input.authTime === null ? {} : { auth_time: input.authTime }),
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    at_hash: await accessTokenHash(input.accessToken, key.alg),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.clientId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + input.ttlSeconds)
    .sign(key.privateKey);
}

/**
 * The key for a client's ID Tokens: its registered `id_token_signed_response_alg` when the key ring has that
 * algorithm, else RS256 (the default OIDC Core §3.1.3.7 and Dynamic Registration §2 expect), else the primary key.
 */
export function idTokenSigningKey(keys: KeyRing, registeredAlg: unknown): SigningKey {
  const registered = SIGNING_ALGORITHMS.find((alg) => alg === registeredAlg);
  return (registered && keys.forAlgorithm(registered)) ?? keys.forAlgorithm('RS256') ?? keys.primary;
}

/**
 * `at_hash` (OIDC Core §3.1.3.6): base64url of the left half of the hash of the access token's ASCII octets, with
 * the hash of the JWS algorithm: SHA-256 for RS256 and ES256, SHA-512 for EdDSA with Ed25519 (OIDC Core errata).
 */
export async function accessTokenHash(accessToken: string, alg: SigningAlgorithm): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(alg === 'EdDSA' ? 'SHA-512' : 'SHA-256', new TextEncoder().encode(accessToken)),
  );
  return base64url.encode(digest.slice(0, digest.length / 2));
}
