// VerifyError: why an access token was refused, as a stable `code` (like jose's `ERR_JWT_EXPIRED`) that callers
// may branch on, plus a message that is safe to send to the client (RFC 6750 §3 `error_description`).

/** Stable reason codes. New codes may be added; existing ones never change meaning. */
export type VerifyErrorCode =
  /** No bearer token was presented (RFC 6750 §3.1: answer without an error code). */
  | 'ERR_TOKEN_MISSING'
  /** The Authorization header names the Bearer scheme but its value is not a token (RFC 6750 §2.1). */
  | 'ERR_REQUEST_MALFORMED'
  /** The token is not a compact JWS with a JSON claims set. */
  | 'ERR_TOKEN_MALFORMED'
  /** The `alg` header is not in the verifier's allow-list (this includes `none` and every HMAC algorithm). */
  | 'ERR_ALGORITHM_NOT_ALLOWED'
  /** No key of the JWKS matches the token's `kid` and `alg`, even after a refresh. */
  | 'ERR_KEY_NOT_FOUND'
  /** The signature does not verify. */
  | 'ERR_SIGNATURE_INVALID'
  /** The `typ` header is not `at+jwt` (RFC 9068 §4). */
  | 'ERR_TYPE_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_TOKEN_EXPIRED'
  /** `nbf` or `iat` lies in the future, beyond the clock tolerance. */
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_CLAIM_MISSING'
  | 'ERR_CLAIM_INVALID'
  /** The token is valid but lacks a scope the resource requires (RFC 6750 §3.1 `insufficient_scope`). */
  | 'ERR_INSUFFICIENT_SCOPE'
  /** The JWKS could not be fetched or parsed: the verifier's problem, not the token's. */
  | 'ERR_JWKS_UNAVAILABLE'
  /** The DPoP proof fails a check of RFC 9449 §4.3 or §7.1 (answer `invalid_dpop_proof`). */
  | 'ERR_DPOP_PROOF_INVALID'
  /** The DPoP proof lacks the server nonce, or it is stale (RFC 9449 §8/§9: answer `use_dpop_nonce`). */
  | 'ERR_DPOP_NONCE_REQUIRED'
  /** A DPoP-bound token (`cnf.jkt`) was presented as a Bearer token, or without a proof (RFC 9449 §7.2). */
  | 'ERR_DPOP_BOUND_TOKEN'
  /** The resource requires DPoP and was sent a Bearer token. */
  | 'ERR_DPOP_REQUIRED';

export interface VerifyErrorOptions {
  /** The claim or header parameter at fault, when there is one. */
  claim?: string;
  /** For ERR_INSUFFICIENT_SCOPE: the scopes the resource requires. */
  requiredScopes?: readonly string[];
  /** The underlying error (a jose error, a fetch failure); for logs, never for the client. */
  cause?: unknown;
  /** For ERR_DPOP_NONCE_REQUIRED: the nonce to send back as the `DPoP-Nonce` header (RFC 9449 §8). */
  dpopNonce?: string;
}

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  readonly claim: string | undefined;
  readonly requiredScopes: readonly string[];
  readonly dpopNonce: string | undefined;

  constructor(code: VerifyErrorCode, message: string, options: VerifyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'VerifyError';
    this.code = code;
    this.claim = options.claim;
    this.requiredScopes = options.requiredScopes ?? [];
    this.dpopNonce = options.dpopNonce;
  }
}
