// JWT access tokens (RFC 9068): `typ: at+jwt`, signed with the key ring's primary key.
import { SignJWT } from 'jose';
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

export async function issueAccessToken(
  grant: AccessTokenGrant,
  key: SigningKey,
  nowSeconds = epochSeconds(),
): Promise<IssuedAccessToken> {
  const token = await new SignJWT({ ...grant.claims, client_id: grant.clientId, scope: grant.scopes.join(' ') })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(grant.issuer)
    .setSubject(grant.subject)
    .setAudience(grant.audience)
    .setJti(generateOpaqueToken(16))
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + grant.ttlSeconds)
    .sign(key.privateKey);
  return { token, expiresIn: grant.ttlSeconds };
}

export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
