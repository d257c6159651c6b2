// What every response of the issuer must be, whatever was sent: no 5xx; an error is JSON with a registered error code
// and an RFC 6749 §5.2 description, or an HTML page that cannot be framed; never a bare text or a stack trace.

/**
 * Registered error codes: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 7591 §3.2.2, RFC 8628 §3.5,
 * RFC 8707 §2, OIDC Core §3.1.2.6; and `not_found` for a path that is no endpoint at all (README, choices).
 */
export const REGISTERED_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'invalid_target',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
]);

/** RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
export const ERROR_DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

/** The problems with one response (empty when it is as it must be). */
export async function responseProblems(method: string, response: Response): Promise<string[]> {
  const problems: string[] = [];
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  if (response.status >= 500) problems.push(`status ${response.status}: ${text.slice(0, 300)}`);
  if (contentType.startsWith('text/html')) {
    if (!response.headers.get('content-security-policy')?.includes("frame-ancestors 'none'"))
      problems.push('an HTML response without frame-ancestors');
    if (response.headers.get('x-frame-options') !== 'DENY') problems.push('an HTML response without X-Frame-Options');
  }
  if (response.status < 400 || method.toUpperCase() === 'HEAD') return problems;
  // RFC 6750 §3.1: a request without credentials gets a challenge with no error code, and so no `error` member.
  const bareChallenge =
    response.status === 401 && /^Bearer (?!.*\berror=)/.test(response.headers.get('www-authenticate') ?? '');
  if (contentType.startsWith('application/json'))
    problems.push(...jsonErrorProblems(response.status, text, bareChallenge));
  else if (!contentType.startsWith('text/html'))
    problems.push(`a ${response.status} error as ${contentType || 'no content type'}: ${text.slice(0, 200)}`);
  return problems;
}

function jsonErrorProblems(status: number, text: string, bareChallenge: boolean): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`a JSON error that is not JSON: ${text.slice(0, 200)}`];
  }
  if (typeof body !== 'object' || body === null) return [`a JSON error that is not an object: ${text.slice(0, 200)}`];
  const { error, error_description: description } = body as Record<string, unknown>;
  const problems: string[] = [];
  const notFound = error === 'not_found' && status === 404;
  if (bareChallenge && error !== undefined) problems.push(`an error code ${JSON.stringify(error)} in a bare challenge`);
  else if (bareChallenge) {
    // No error code, as §3.1 wants.
  } else if (typeof error !== 'string' || (!REGISTERED_ERROR_CODES.has(error) && !notFound))
    problems.push(`an unregistered error code ${JSON.stringify(error)} (${status})`);
  if (description !== undefined && (typeof description !== 'string' || !ERROR_DESCRIPTION_CHARSET.test(description)))
    problems.push(`an error_description outside RFC 6749 §5.2: ${JSON.stringify(description)}`);
  return problems;
}
