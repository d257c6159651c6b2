// This issuer's own access tokens, verified with @portcullis/verify against its own key ring (no JWKS fetch):
// the same checks any resource server makes (RFC 9068 §4), for userinfo, introspection and revocation.
import type { Config } from '../config';
import type { KeyRing } from '../tokens/keys';
import { createVerifier, type DPoPOptions, type Verifier } from '@portcullis/verify';
import { defaultAudienceFor } from './resource';

// Built once per key ring, issuer and audience set, never per request (the verifier imports keys and caches).
const verifiersByKeyRing = new WeakMap<KeyRing, Map<string, Verifier>>();

/** `dpop` makes the verifier accept DPoP-bound tokens with their proofs (userinfo); tokens as strings ignore it. */
export function localVerifier(
  keys: KeyRing,
  issuer: string,
  audience: readonly string[],
  dpop?: DPoPOptions,
): Verifier {
  let verifiers = verifiersByKeyRing.get(keys);
  if (!verifiers) {
    verifiers = new Map();
    verifiersByKeyRing.set(keys, verifiers);
  }
  const cacheKey = `${issuer} ${audience.join(' ')}${dpop ? ' dpop' : ''}`;
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    // No clock tolerance: these are our own clock's tokens, and introspection must not call an expired one active.
    verifier = createVerifier({
      issuer,
      audience,
      jwks: keys.publicJwks,
      algorithms: keys.algorithms,
      clockToleranceSeconds: 0,
      ...(dpop ? { dpop } : {}),
    });
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}

/** Every audience this issuer issues access tokens for: the default one and the configured resources. */
export function issuedAudiences(config: Config, issuer: string): string[] {
  return [defaultAudienceFor(config, issuer), ...config.resources];
}

/** Refresh tokens and codes are opaque base64url; an access token is a compact JWS (three dot-separated parts). */
export function isJwt(token: string): boolean {
  return token.split('.').length === 3;
}
