// CORS (Fetch standard §3.2) for a resource server called from browser apps, through Hono's own cors middleware:
// bearer tokens in Authorization, JSON or form bodies, the challenge of a 401/403 readable by the app, no cookies.
import type { Context, Env, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** How long a browser may reuse a preflight answer (Chromium caps it at 7200 s). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Decides per request: the origin to allow (the request's own), or null to refuse. */
export type OriginPolicy<E extends Env = Env> = (
  origin: string,
  c: Context<E>,
) => string | null | undefined | Promise<string | null | undefined>;

export interface ResourceCorsOptions<E extends Env = Env> {
  /**
   * The origin policy: a list of serialized origins (`https://app.example`), or a function returning the origin
   * to allow, or null to refuse. Never reflect an origin you did not decide to trust.
   */
  origin: readonly string[] | OriginPolicy<E>;
  /** The methods the API serves; default GET, POST, PUT, PATCH, DELETE. */
  allowMethods?: readonly string[];
}

/**
 * Answers preflights for allowed origins and shares responses with them, exposing `WWW-Authenticate` so the app
 * can read a Bearer or DPoP challenge (RFC 6750 §3, RFC 9449 §7.1, RFC 9728 §5.1). Never `Access-Control-Allow-Credentials`: bearer tokens
 * are sent explicitly, so no ambient credential (cookie) is ever involved.
 */
export function resourceCors<E extends Env = Env>(options: ResourceCorsOptions<E>): MiddlewareHandler<E> {
  return cors({
    // hono's cors types its policy for the base Context; it passes the request's own, which is a Context<E>.
    origin:
      typeof options.origin === 'function'
        ? withoutEmptyOrigin(options.origin as unknown as OriginPolicy)
        : [...options.origin],
    allowMethods: [...(options.allowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])],
    // DPoP proofs (RFC 9449 §4.1) come in their own header, and the server nonce goes back in one (§9).
    allowHeaders: ['Authorization', 'Content-Type', 'DPoP'],
    exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
  });
}

/** hono's cors asks the policy on every request, with '' when there is no Origin: that one needs no lookup. */
function withoutEmptyOrigin(policy: OriginPolicy): OriginPolicy {
  return (origin, c) => (origin === '' ? null : policy(origin, c));
}
