// Authorization responses (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207): a redirect to the client's redirect URI with the
// result added to its query, which is kept as registered (§3.1.2), and `iss` so the client knows who answered.
import type { OAuthError } from '../oauth/errors';
import { NO_STORE_HEADERS } from './middleware/no-store';
import { headerSafeLocation } from './redirect';

/** Where errors of an authorization request go once its client and redirect URI are verified (app.ts onError). */
export interface AuthorizationRedirect {
  redirectUri: string;
  state: string | undefined;
  issuer: string;
  /** 302 answers a GET (RFC 6749 §4.1.2); 303 a form post, so the browser follows it with a GET. */
  status: 302 | 303;
}

export function authorizationCodeResponse(target: AuthorizationRedirect, code: string): Response {
  return redirectWith(target, { code });
}

export function authorizationErrorResponse(target: AuthorizationRedirect, error: OAuthError): Response {
  return redirectWith(target, { error: error.code, error_description: error.description });
}

/** `uri` with `params` appended to its query, byte for byte as registered otherwise (it has no fragment). */
export function withQueryParams(uri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  if (query === '') return uri;
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${query}`;
}

function redirectWith(target: AuthorizationRedirect, result: Record<string, string>): Response {
  const location = headerSafeLocation(
    withQueryParams(target.redirectUri, { ...result, state: target.state, iss: target.issuer }),
  );
  return new Response(null, { status: target.status, headers: { Location: location, ...NO_STORE_HEADERS } });
}
