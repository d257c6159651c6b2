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
  | 'ERR_JWKS_UNAVAILABLE';

export interface VerifyErrorOptions {
  /** The claim or header parameter at fault, when there is one. */
  claim?: string;
  /** For ERR_INSUFFICIENT_SCOPE: the scopes the resource requires. */
  requiredScopes?: readonly string[];
  /** The underlying error (a jose error, a fetch failure); for logs, never for the client. */
  cause?: unknown;
}

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;
  readonly claim: string | undefined;
  readonly requiredScopes: readonly string[];

  constructor(code: VerifyErrorCode, message: string, options: VerifyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'VerifyError';
    this.code = code;
    this.claim = options.claim;
    this.requiredScopes = options.requiredScopes ?? [];
  }
}
