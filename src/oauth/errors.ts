// OAuthError: the one error type of the issuer, carrying a registered error code (RFC 6749 §4.1.2.1 and §5.2,
// RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 8628 §3.5, RFC 9101 §6.3, OIDC Core §3.1.2.6, OpenID Connect Unmet
// Authentication Requirements 1.0 §3, RFC 9449 §12.2), the HTTP status that code is answered with, and a description
// kept within RFC 6749 §5.2's characters. app.onError renders it.
import { percentEscape } from './percent-escape';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'unmet_authentication_requirements'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_request_object'
  | 'invalid_request_uri'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_token_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

const STATUS_BY_CODE: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 403,
  unsupported_response_type: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  unmet_authentication_requirements: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  invalid_request_object: 400,
  invalid_request_uri: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  unsupported_token_type: 400,
  not_found: 404,
  method_not_allowed: 405,
  server_error: 500,
  temporarily_unavailable: 503,
  // RFC 9449 §5 and §8: token endpoint errors, answered as RFC 6749 §5.2 says.
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
};

export interface OAuthErrorOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Logged, never sent to the client. */
  cause?: unknown;
}

// RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). Anything else (a quote, a backslash, a line
// break, non-ASCII from an echoed request value) is percent-encoded here, the one place every description passes.
const NOT_IN_DESCRIPTION_CHARSET = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/gu;

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly headers: Record<string, string>;

  /** `description` may hold request values: characters RFC 6749 §5.2 does not allow are percent-encoded. */
  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    const safeDescription = percentEscape(description, NOT_IN_DESCRIPTION_CHARSET);
    super(`${code}: ${safeDescription}`, { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = safeDescription;
    this.status = options.status ?? STATUS_BY_CODE[code];
    this.headers = options.headers ?? {};
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}
