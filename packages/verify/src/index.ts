// @portcullis/verify: verifies RFC 9068 JWT access tokens for a resource server (RFC 9068 §4), using jose only.
// Nothing here imports the rest of Portcullis, so any Worker can use it against any RFC 9068 issuer.
import { errors, jwtVerify } from 'jose';
import { checkAccessTokenClaims, RFC9068_REQUIRED_CLAIMS, type AccessTokenClaims } from './claims.js';
import { VerifyError } from './errors.js';
import {
  createDPoPBinding,
  presentedTokenOf,
  refuseBoundBearer,
  type DPoPOptions,
  type DPoPSettings,
} from './dpop-binding.js';
import type { DPoPReplayStore } from './dpop-replay.js';
import { createKeyResolver, type KeySource } from './jwks.js';
import { createTokenCache, tokenCacheKey } from './token-cache.js';

export { requireScopes, scopesOf, RFC9068_REQUIRED_CLAIMS, type AccessTokenClaims } from './claims.js';
export { VerifyError, type VerifyErrorCode, type VerifyErrorOptions } from './errors.js';
export { bearerErrorResponse, type ChallengeOptions } from './challenge.js';
export {
  protectedResourceMetadata,
  resourceMetadataUrl,
  type ProtectedResourceMetadata,
  type PublishedResourceMetadata,
  type ResourceMetadataOptions,
} from './resource-metadata.js';
export {
  accessTokenHash,
  DPOP_ALGORITHMS,
  DPOP_CLOCK_TOLERANCE_SECONDS,
  DPOP_PROOF_MAX_AGE_SECONDS,
  normalizedHtu,
  verifyDPoPProof,
  type DPoPNonceSource,
  type DPoPProof,
  type DPoPProofOptions,
  type DPoPRequest,
} from './dpop.js';
export { boundKeyOf, type DPoPOptions, type DPoPSettings } from './dpop-binding.js';
export { createDPoPNonces, DPOP_NONCE_WINDOW_SECONDS } from './dpop-nonce.js';
export { createMemoryReplayStore, DPOP_REPLAY_MAX_ENTRIES, type DPoPReplayStore } from './dpop-replay.js';
export { JWKS_COOLDOWN_SECONDS, JWKS_MAX_AGE_SECONDS, type JwksFetcher, type KeySource } from './jwks.js';

/** Asymmetric JWS algorithms a verifier may allow. `none` and the HMAC family are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
] as const;
export type VerifyAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** The algorithms Portcullis signs with. */
export const DEFAULT_ALGORITHMS: readonly VerifyAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];
/** Clock skew accepted on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 10;
/** How long a verified token is remembered at most (see `tokenCacheMaxAgeSeconds`). */
export const TOKEN_CACHE_MAX_AGE_SECONDS = 60;
export const TOKEN_CACHE_MAX_ENTRIES = 1000;

export interface VerifierOptions extends KeySource {
  /** The issuer identifier, compared exactly with `iss` (RFC 9068 §4 step 3). */
  issuer: string;
  /** This resource server's identifier(s); `aud` must contain one of them (RFC 9068 §4 step 4). */
  audience: string | readonly string[];
  /** Allowed `alg` values; default DEFAULT_ALGORITHMS. Only asymmetric algorithms are accepted. */
  algorithms?: readonly VerifyAlgorithm[];
  /** Seconds of clock skew tolerated; default CLOCK_TOLERANCE_SECONDS. */
  clockToleranceSeconds?: number;
  /** Claims that must be present besides RFC9068_REQUIRED_CLAIMS, e.g. `auth_time`. */
  requiredClaims?: readonly string[];
  /** Seconds a verified token is remembered at most; default TOKEN_CACHE_MAX_AGE_SECONDS; 0 disables the cache. */
  tokenCacheMaxAgeSeconds?: number;
  /** Most tokens remembered; default TOKEN_CACHE_MAX_ENTRIES. */
  tokenCacheMaxEntries?: number;
  /**
   * Accept `Authorization: DPoP` (RFC 9449 §7): `{}` for the defaults, with an in-memory replay store per
   * verifier (see createMemoryReplayStore for its limits); `{ required: true }` also refuses Bearer tokens.
   * Without it only Bearer tokens are accepted. A DPoP-bound token presented as Bearer is always refused.
   */
  dpop?: DPoPOptions;
}

/** Per-request overrides: a replay store bound to this request's environment (a D1 binding, say). */
export interface VerifyRequestOptions {
  replayStore?: DPoPReplayStore;
}

/**
 * Verifies a token, or the `Authorization: Bearer` / `DPoP` token of a request, and returns its frozen claims.
 * A bare token string is checked as a JWT only: DPoP binding needs the request, so pass the Request wherever the
 * token came from one.
 */
export interface Verifier {
  (tokenOrRequest: string | Request, requestOptions?: VerifyRequestOptions): Promise<AccessTokenClaims>;
  readonly issuer: string;
  readonly audience: readonly string[];
  /** How this verifier treats DPoP, for challenges; undefined when it accepts Bearer only. */
  readonly dpop: DPoPSettings | undefined;
}

/**
 * Creates a verifier for RFC 9068 access tokens. Build it once (per isolate), not per request: it imports each
 * key once and keeps the remote JWKS and the verified-token cache in memory.
 *
 * It checks the `Authorization: Bearer` syntax (RFC 6750 §2.1), `typ` = `at+jwt` (or `application/at+jwt`), the
 * signature with a JWKS key chosen by `kid` and `alg`, the `alg` allow-list, `iss` exactly, `aud`, `exp`, `nbf`
 * and `iat` with the clock tolerance, and the presence and types of the required claims. It throws a VerifyError
 * whose `code` says why.
 *
 * The caller must still check what the token allows: its scopes (`requireScopes`, or the Hono middleware's
 * `scopes`), and whether `sub` / `client_id` may touch the particular resource (ownership, tenancy).
 *
 * Verified tokens are cached, keyed by their SHA-256, until `exp` or `tokenCacheMaxAgeSeconds` (60 s by default),
 * whichever comes first. So a key withdrawn from the JWKS, or a token the issuer revoked, keeps being accepted for
 * a token already in the cache for up to that maximum age; a remote JWKS is itself trusted for up to
 * `jwksMaxAgeSeconds` (600 s). Set `tokenCacheMaxAgeSeconds: 0` where that window is unacceptable.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const { issuer } = options;
  const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  const algorithms = allowedAlgorithms(options.algorithms ?? DEFAULT_ALGORITHMS);
  const clockToleranceSeconds = options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS;
  if (!issuer) throw new TypeError('createVerifier needs an issuer');
  if (audience.length === 0 || audience.some((entry) => !entry))
    throw new TypeError('createVerifier needs an audience');
  if (!(clockToleranceSeconds >= 0)) throw new TypeError('clockToleranceSeconds must be zero or more');

  const keys = createKeyResolver(options, issuer);
  const requiredClaims = [...new Set([...RFC9068_REQUIRED_CLAIMS, ...(options.requiredClaims ?? [])])];
  const cacheMaxAgeSeconds = options.tokenCacheMaxAgeSeconds ?? TOKEN_CACHE_MAX_AGE_SECONDS;
  const cache =
    cacheMaxAgeSeconds > 0
      ? createTokenCache<AccessTokenClaims>({
          maxAgeSeconds: cacheMaxAgeSeconds,
          maxEntries: options.tokenCacheMaxEntries ?? TOKEN_CACHE_MAX_ENTRIES,
        })
      : undefined;

  async function verifyToken(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms,
        typ: 'at+jwt',
        clockTolerance: clockToleranceSeconds,
        requiredClaims,
      });
      return checkAccessTokenClaims(payload, clockToleranceSeconds);
    } catch (error) {
      throw toVerifyError(error);
    }
  }

  async function verifyCached(token: string): Promise<AccessTokenClaims> {
    if (token === '') throw new VerifyError('ERR_TOKEN_MISSING', 'a bearer access token is required');
    if (!cache) return verifyToken(token);
    const key = await tokenCacheKey(token);
    const cached = cache.get(key);
    if (cached) return cached;
    const claims = await verifyToken(token);
    cache.set(key, claims, claims.exp);
    return claims;
  }

  const dpop = options.dpop ? createDPoPBinding(options.dpop) : undefined;

  async function verify(tokenOrRequest: string | Request, requestOptions: VerifyRequestOptions = {}) {
    if (typeof tokenOrRequest === 'string') return verifyCached(tokenOrRequest);
    if (!dpop) {
      const claims = await verifyCached(bearerTokenOf(tokenOrRequest));
      refuseBoundBearer(claims);
      return claims;
    }
    const presented = presentedTokenOf(tokenOrRequest);
    const claims = await verifyCached(presented.token);
    // The token is cached; its proof is not: every request proves possession again (RFC 9449 §7.1).
    await dpop.check(tokenOrRequest, presented, claims, requestOptions.replayStore);
    return claims;
  }

  return Object.assign(verify, { issuer, audience: Object.freeze(audience), dpop: dpop?.settings });
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The bearer token of a request; no header, or another scheme, means no token (RFC 6750 §3.1). */
export function bearerTokenOf(request: Request): string {
  const authorization = request.headers.get('authorization');
  if (authorization === null || !/^Bearer(\s|$)/i.test(authorization)) {
    throw new VerifyError('ERR_TOKEN_MISSING', 'a bearer access token is required');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) {
    throw new VerifyError('ERR_REQUEST_MALFORMED', 'the Authorization header is not a valid Bearer credential');
  }
  return token;
}

function allowedAlgorithms(requested: readonly string[]): string[] {
  const refused = requested.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  // `none` and HMAC would let anyone holding the public key, or nobody at all, mint tokens (RFC 8725 §3.1).
  if (refused.length > 0)
    throw new TypeError(`algorithms may only list asymmetric algorithms, not: ${refused.join(', ')}`);
  if (requested.length === 0) throw new TypeError('algorithms must list at least one algorithm');
  return [...requested];
}

/** Maps jose's errors to stable codes with client-safe messages; errors that are not about the token pass through. */
function toVerifyError(error: unknown): unknown {
  if (error instanceof VerifyError) return error;
  const fail = (code: VerifyError['code'], message: string, claim?: string) =>
    new VerifyError(code, message, { claim, cause: error });
  if (error instanceof errors.JWTExpired) return fail('ERR_TOKEN_EXPIRED', 'the access token has expired', 'exp');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return fail('ERR_TYPE_INVALID', 'the access token is not of type at+jwt', 'typ');
      case 'iss':
        return fail('ERR_ISSUER_MISMATCH', 'the access token was issued by another issuer', 'iss');
      case 'aud':
        return error.reason === 'missing'
          ? fail('ERR_CLAIM_MISSING', 'the access token has no aud claim', 'aud')
          : fail('ERR_AUDIENCE_MISMATCH', 'the access token is not meant for this resource', 'aud');
      case 'nbf':
        return fail('ERR_TOKEN_NOT_YET_VALID', 'the access token is not valid yet', 'nbf');
    }
    return error.reason === 'missing'
      ? fail('ERR_CLAIM_MISSING', `the access token has no ${error.claim} claim`, error.claim)
      : fail('ERR_CLAIM_INVALID', `the ${error.claim} claim of the access token is invalid`, error.claim);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return fail('ERR_ALGORITHM_NOT_ALLOWED', 'the access token is signed with an algorithm that is not allowed', 'alg');
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return fail('ERR_KEY_NOT_FOUND', 'the access token is signed with an unknown key', 'kid');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return fail('ERR_SIGNATURE_INVALID', 'the access token signature is invalid');
  if (error instanceof errors.JWKInvalid || error instanceof errors.JWKSInvalid) {
    return fail('ERR_JWKS_UNAVAILABLE', 'the token signing keys could not be used');
  }
  if (error instanceof errors.JOSEError)
    return fail('ERR_TOKEN_MALFORMED', 'the access token is not a well-formed JWT');
  return error;
}
