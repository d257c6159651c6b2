// The RFC 6750 §3 answer to a VerifyError: 401 without an error code, 400 invalid_request, 401 invalid_token,
// 403 insufficient_scope naming the scope, each with a Bearer challenge that may point to the resource's RFC 9728
// metadata (§5.1). A plain Response, so it needs no framework.
import type { VerifyError } from './errors.js';

export interface ChallengeOptions {
  /** The `realm` of the challenge (RFC 6750 §3). */
  realm: string;
  /** The URL of the resource's protected resource metadata (RFC 9728 §5.1 `resource_metadata`). */
  resourceMetadata?: string | undefined;
  /**
   * The scopes the resource needs, named in the 401 challenges too (RFC 6750 §3 `scope`), so a client knows what to
   * ask for before it has a token (the MCP authorization spec's scope selection). A 403 always names its own.
   */
  scope?: string | undefined;
}

/** The RFC 6750 §3 response for a VerifyError; `realm` alone, or the realm and the metadata URL. */
export function bearerErrorResponse(error: VerifyError, options: string | ChallengeOptions): Response {
  const { realm, resourceMetadata, scope } = typeof options === 'string' ? { realm: options } : options;
  const scopeAttribute: Record<string, string> = scope ? { scope } : {};
  const challenge = (attributes: Record<string, string>) => ({
    'WWW-Authenticate': `Bearer ${Object.entries({
      realm,
      ...(resourceMetadata ? { resource_metadata: resourceMetadata } : {}),
      ...attributes,
    })
      .map(([name, value]) => `${name}="${quote(value)}"`)
      .join(', ')}`,
  });
  const body = (code: string) => ({ error: code, error_description: error.message });
  switch (error.code) {
    case 'ERR_TOKEN_MISSING':
      // §3.1: a request without credentials gets a challenge with no error code, so neither has the body.
      return Response.json({ error_description: error.message }, { status: 401, headers: challenge(scopeAttribute) });
    case 'ERR_REQUEST_MALFORMED':
      return Response.json(body('invalid_request'), {
        status: 400,
        headers: challenge({ error: 'invalid_request', error_description: error.message }),
      });
    case 'ERR_INSUFFICIENT_SCOPE':
      // §3.1: `scope` names what the request needs, so the client can ask for it (step-up).
      return Response.json(body('insufficient_scope'), {
        status: 403,
        headers: challenge({
          error: 'insufficient_scope',
          error_description: error.message,
          scope: error.requiredScopes.join(' '),
        }),
      });
    case 'ERR_JWKS_UNAVAILABLE':
      // Not the client's fault: no challenge, and the cause goes to the operator's logs.
      console.error('@portcullis/verify:', error.message, error.cause);
      return Response.json(body('temporarily_unavailable'), { status: 503 });
    default:
      return Response.json(body('invalid_token'), {
        status: 401,
        headers: challenge({ error: 'invalid_token', error_description: error.message, ...scopeAttribute }),
      });
  }
}

/** A quoted-string value (RFC 9110 §5.6.4): escape `\` and `"`, and keep to printable ASCII. */
function quote(value: string): string {
  return value.replace(/[^\x20-\x7E]/g, '?').replace(/[\\"]/g, '\\$&');
}
