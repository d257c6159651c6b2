// Signed userinfo responses (OIDC Core §5.3.2): the claims as a JWT with `iss` and `aud`, for a client registered
// with `userinfo_signed_response_alg` (OIDC Dynamic Registration §2), answered as application/jwt.
import { SignJWT } from 'jose';
import { idTokenSigningKey } from './id-token';
import type { KeyRing, SigningKey } from './keys';

export const SIGNED_USERINFO_CONTENT_TYPE = 'application/jwt';

/** The registered algorithm when the key ring has it, chosen as for ID Tokens; null when none was registered. */
export function userinfoSigningKey(keys: KeyRing, registeredAlg: unknown): SigningKey | null {
  return registeredAlg === undefined || registeredAlg === null ? null : idTokenSigningKey(keys, registeredAlg);
}

export async function signUserinfo(
  claims: Record<string, unknown>,
  audience: { issuer: string; clientId: string },
  key: SigningKey,
  nowSeconds: number,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(audience.issuer)
    .setAudience(audience.clientId)
    .setIssuedAt(nowSeconds)
    .sign(key.privateKey);
}
