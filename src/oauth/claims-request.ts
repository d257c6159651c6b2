// The `claims` request parameter (OIDC Core §5.5): a JSON object asking for individual claims at userinfo and in the
// ID Token, each `null` or `{essential, value, values}` (§5.5.1). Parsed into RequestedClaims; malformed is an error.
import type { ClaimRequest, RequestedClaims } from '../storage/types';
import { OAuthError } from './errors';

/** The parameter parsed, or null when absent. Members other than userinfo and id_token are ignored (§5.5). */
export function parseClaimsParameter(value: string | undefined): RequestedClaims | null {
  if (value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidClaims('is not valid JSON');
  }
  if (!isObject(parsed)) throw invalidClaims('must be a JSON object');
  const userinfo = claimRequests(parsed.userinfo, 'userinfo');
  const idToken = claimRequests(parsed.id_token, 'id_token');
  return { ...(userinfo ? { userinfo } : {}), ...(idToken ? { idToken } : {}) };
}

/** The request as the `claims` parameter again (snake_case members), carried through the login and consent pages. */
export function claimsParameterOf(claims: RequestedClaims): string {
  return JSON.stringify({
    ...(claims.userinfo ? { userinfo: claims.userinfo } : {}),
    ...(claims.idToken ? { id_token: claims.idToken } : {}),
  });
}

function claimRequests(member: unknown, name: string): Record<string, ClaimRequest> | undefined {
  if (member === undefined || member === null) return undefined;
  if (!isObject(member)) throw invalidClaims(`${name} must be a JSON object`);
  const requests: Record<string, ClaimRequest> = {};
  for (const [claim, request] of Object.entries(member)) requests[claim] = claimRequest(request, `${name}.${claim}`);
  return requests;
}

function claimRequest(request: unknown, path: string): ClaimRequest {
  if (request === null) return {};
  if (!isObject(request)) throw invalidClaims(`${path} must be null or a JSON object`);
  const { essential, value, values } = request;
  if (essential !== undefined && typeof essential !== 'boolean')
    throw invalidClaims(`${path}.essential must be a boolean`);
  if (values !== undefined && !Array.isArray(values)) throw invalidClaims(`${path}.values must be an array`);
  return {
    ...(essential === undefined ? {} : { essential }),
    ...(value === undefined ? {} : { value }),
    ...(values === undefined ? {} : { values }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidClaims(problem: string): OAuthError {
  return new OAuthError('invalid_request', `the claims parameter ${problem}`);
}
