// portcullis/verify/hono: Hono middleware that guards routes with createVerifier and answers the RFC 6750 §3
// Bearer challenges: 401 without an error code, 400 invalid_request, 401 invalid_token, 403 insufficient_scope.
import type { Context, Env, MiddlewareHandler } from 'hono';
import {
  createVerifier,
  requireScopes,
  VerifyError,
  type AccessTokenClaims,
  type Verifier,
  type VerifierOptions,
} from './index.js';

/** What the middleware puts on the context: `c.get('accessToken')`. */
export interface AccessTokenVariables {
  accessToken: AccessTokenClaims;
  /** The realm verifyAccessToken challenged with, so requireScope answers in the same protection space. */
  bearerRealm: string;
}
export interface AccessTokenEnv {
  Variables: AccessTokenVariables;
}

export interface GuardOptions {
  /** Scopes the token must all carry; missing ones answer 403 insufficient_scope. */
  scopes?: readonly string[];
  /** The `realm` of the challenges (RFC 6750 §3); default the verifier's first audience. */
  realm?: string;
}

/** Where the middleware gets its verifier: built from options, given once, or chosen per request (e.g. by issuer). */
export type VerifierSource<E extends Env> =
  | VerifierOptions
  | { verifier: Verifier }
  | { verifierFor: (c: Context<E & AccessTokenEnv>) => Verifier };

export type VerifyAccessTokenOptions<E extends Env = Env> = GuardOptions & VerifierSource<E>;

/**
 * Verifies the `Authorization: Bearer` access token (see createVerifier for every check), requires `scopes`, and
 * sets the claims as `c.get('accessToken')`. Handlers must still decide whether `sub` may act on the resource.
 * A `verifierFor` function must return a verifier it keeps, not build one per request.
 */
export function verifyAccessToken<E extends Env = Env>(
  options: VerifyAccessTokenOptions<E>,
): MiddlewareHandler<E & AccessTokenEnv> {
  const verifierFor = chooseVerifier(options);
  const scopes = options.scopes ?? [];
  return async function verifyAccessTokenMiddleware(c, next) {
    const verifier = verifierFor(c);
    const realm = options.realm ?? verifier.audience[0] ?? '';
    try {
      const claims = await verifier(c.req.raw);
      requireScopes(claims, scopes);
      c.set('accessToken', claims);
      c.set('bearerRealm', realm);
    } catch (error) {
      if (error instanceof VerifyError) return bearerErrorResponse(error, realm);
      throw error;
    }
    await next();
  };
}

function chooseVerifier<E extends Env>(source: VerifierSource<E>): (c: Context<E & AccessTokenEnv>) => Verifier {
  if ('verifierFor' in source) return source.verifierFor;
  const verifier = 'verifier' in source ? source.verifier : createVerifier(source);
  return () => verifier;
}

/** Requires scopes of a token already verified by verifyAccessToken earlier in the chain (RFC 6750 §3.1). */
export function requireScope(...scopes: string[]): MiddlewareHandler<AccessTokenEnv> {
  return async function requireScopeMiddleware(c, next) {
    try {
      requireScopes(c.get('accessToken'), scopes);
    } catch (error) {
      if (error instanceof VerifyError) return bearerErrorResponse(error, c.get('bearerRealm'));
      throw error;
    }
    await next();
  };
}

/** The RFC 6750 §3 response for a VerifyError, for callers that use the verifier without this middleware. */
export function bearerErrorResponse(error: VerifyError, realm: string): Response {
  const challenge = (attributes: Record<string, string>) => ({
    'WWW-Authenticate': `Bearer ${Object.entries({ realm, ...attributes })
      .map(([name, value]) => `${name}="${quote(value)}"`)
      .join(', ')}`,
  });
  const body = (code: string) => ({ error: code, error_description: error.message });
  switch (error.code) {
    case 'ERR_TOKEN_MISSING':
      // §3.1: a request without credentials gets a challenge with no error code, so neither has the body.
      return Response.json({ error_description: error.message }, { status: 401, headers: challenge({}) });
    case 'ERR_REQUEST_MALFORMED':
      return Response.json(body('invalid_request'), {
        status: 400,
        headers: challenge({ error: 'invalid_request', error_description: error.message }),
      });
    case 'ERR_INSUFFICIENT_SCOPE':
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
      console.error('portcullis/verify:', error.message, error.cause);
      return Response.json(body('temporarily_unavailable'), { status: 503 });
    default:
      return Response.json(body('invalid_token'), {
        status: 401,
        headers: challenge({ error: 'invalid_token', error_description: error.message }),
      });
  }
}

/** A quoted-string value (RFC 9110 §5.6.4): escape `\` and `"`, and keep to printable ASCII. */
function quote(value: string): string {
  return value.replace(/[^\x20-\x7E]/g, '?').replace(/[\\"]/g, '\\$&');
}
