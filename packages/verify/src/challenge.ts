// The RFC 6750 §3 / RFC 9449 §7.1 answer to a VerifyError: 401 without an error code, 400 invalid_request, 401
// invalid_token, 401 invalid_dpop_proof or use_dpop_nonce, 403 insufficient_scope naming the scope, each with the
// challenges of the schemes the resource accepts (Bearer, DPoP with its `algs`), which may point to the resource's
// RFC 9728 metadata (§5.1). A plain Response, so it needs no framework.
import type { DPoPSettings } from './dpop-binding.js';
import type { VerifyError } from './errors.js';

export interface ChallengeOptions {
  /** The `realm` of the challenge (RFC 6750 §3). */
  realm: string;
  /** The URL of the resource's protected resource metadata (RFC 9728 §5.1 `resource_metadata`). */
  resourceMetadata?: string | undefined;
  /** The verifier's DPoP settings (`verifier.dpop`): a DPoP challenge is added, or alone when DPoP is required. */
  dpop?: DPoPSettings | undefined;
  /** The scheme the request used, whose challenge carries the error; default Bearer. */
  scheme?: 'Bearer' | 'DPoP' | undefined;
}

type Scheme = 'Bearer' | 'DPoP';

/** The RFC 6750 §3 response for a VerifyError; `realm` alone, or the realm, the metadata URL and DPoP settings. */
export function bearerErrorResponse(error: VerifyError, options: string | ChallengeOptions): Response {
  const settings: ChallengeOptions = typeof options === 'string' ? { realm: options } : options;
  const { realm, resourceMetadata, dpop } = settings;
  const errorScheme: Scheme =
    error.code.startsWith('ERR_DPOP_') && error.code !== 'ERR_DPOP_BOUND_TOKEN'
      ? 'DPoP'
      : (settings.scheme ?? 'Bearer');
  const challenge = (attributes: Record<string, string>) => {
    const schemes: Array<[Scheme, Record<string, string>]> = [];
    if (!dpop?.required) schemes.push(['Bearer', {}]);
    if (dpop) schemes.push(['DPoP', { algs: dpop.algorithms.join(' ') }]);
    const value = schemes.map(
      ([scheme, own]) =>
        `${scheme} ${Object.entries({
          realm,
          ...(resourceMetadata ? { resource_metadata: resourceMetadata } : {}),
          ...own,
          // The error belongs to the scheme the request used (a required DPoP answers in its own challenge).
          ...(scheme === errorScheme || schemes.length === 1 ? attributes : {}),
        })
          .map(([name, attribute]) => `${name}="${quote(attribute)}"`)
          .join(', ')}`,
    );
    return { 'WWW-Authenticate': value.join(', ') };
  };
  const body = (code: string) => ({ error: code, error_description: error.message });
  const fail = (
    status: number,
    code: string,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) =>
    Response.json(body(code), {
      status,
      headers: { ...challenge({ error: code, error_description: error.message, ...extra }), ...headers },
    });
  switch (error.code) {
    case 'ERR_TOKEN_MISSING':
      // §3.1: a request without credentials gets a challenge with no error code, so neither has the body.
      return Response.json({ error_description: error.message }, { status: 401, headers: challenge({}) });
    case 'ERR_REQUEST_MALFORMED':
      return fail(400, 'invalid_request');
    case 'ERR_INSUFFICIENT_SCOPE':
      // §3.1: `scope` names what the request needs, so the client can ask for it (step-up).
      return fail(403, 'insufficient_scope', { scope: error.requiredScopes.join(' ') });
    case 'ERR_DPOP_PROOF_INVALID':
      return fail(401, 'invalid_dpop_proof');
    case 'ERR_DPOP_NONCE_REQUIRED':
      // RFC 9449 §9: the fresh nonce travels in the DPoP-Nonce header, and the client retries with it.
      return fail(401, 'use_dpop_nonce', {}, error.dpopNonce ? { 'DPoP-Nonce': error.dpopNonce } : {});
    case 'ERR_JWKS_UNAVAILABLE':
      // Not the client's fault: no challenge, and the cause goes to the operator's logs.
      console.error('@portcullis/verify:', error.message, error.cause);
      return Response.json(body('temporarily_unavailable'), { status: 503 });
    default:
      return fail(401, 'invalid_token');
  }
}

/** A quoted-string value (RFC 9110 §5.6.4): escape `\` and `"`, and keep to printable ASCII. */
function quote(value: string): string {
  return value.replace(/[^\x20-\x7E]/g, '?').replace(/[\\"]/g, '\\$&');
}
