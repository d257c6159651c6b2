// CORS (Fetch standard §3.2) for browser apps: discovery and the JWKS are readable from any origin; the token,
// revocation, introspection and userinfo endpoints share a response only with an origin the client registered in
// `allowed_origins`. No credentials mode anywhere: these endpoints take no cookies.
import type { Context, MiddlewareHandler } from 'hono';
import { decodeJwt } from 'jose';
import type { Client } from '../../storage/types';
import type { AppEnv } from '../context';
import { parseFormBody } from '../form';
import { logId } from '../log-id';
import { findClientCredentials } from '../../oauth/client-auth';
import { clientAuthRequest } from './client-auth';

/** How long a browser may reuse a preflight answer (Chromium caps it at 7200, Firefox at 86400). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Request headers a browser app sends: client or bearer credentials, and the form or JSON body type. */
const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, DPoP';

/** A CORS preflight carries Origin and Access-Control-Request-Method (Fetch §3.2.2); any other OPTIONS is not one. */
function isPreflight(c: Context<AppEnv>): boolean {
  return (
    c.req.method === 'OPTIONS' &&
    c.req.header('origin') !== undefined &&
    c.req.header('access-control-request-method') !== undefined
  );
}

/**
 * Discovery and the JWKS: public documents, so a preflight is answered for any origin with `*` (never with
 * credentials). The documents themselves carry `Access-Control-Allow-Origin: *` (cached-json.ts).
 */
export function publicCors(): MiddlewareHandler<AppEnv> {
  return async function publicCorsMiddleware(c, next) {
    if (!isPreflight(c)) return next();
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET',
      // `*` means any header only for requests without credentials, which is all these documents serve.
      'Access-Control-Allow-Headers': '*',
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    });
  };
}

export interface ClientCorsOptions {
  /** The methods the endpoint serves (Access-Control-Allow-Methods). */
  methods: readonly string[];
  /**
   * The client a response may be shared with when none authenticated on this request: error responses before or
   * during client authentication, and userinfo, which authenticates a bearer token rather than a client.
   */
  namedClientId: (c: Context<AppEnv>) => string | undefined;
}

/**
 * Token, revocation, introspection, userinfo. A preflight is answered for an origin some client registered (the
 * browser then sends the request); the actual response is shared only with an origin registered by the client that
 * authenticated, or by the client the request names, so that a browser app can read its own errors.
 */
export function clientCors({ methods, namedClientId }: ClientCorsOptions): MiddlewareHandler<AppEnv> {
  const allowMethods = methods.join(', ');
  return async function clientCorsMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (isPreflight(c)) {
      // An unknown origin gets a plain 204 without CORS headers, which the browser treats as a refusal.
      const headers: Record<string, string> = { Vary: 'Origin' };
      if (isSerializedOrigin(origin) && (await c.get('stores').origins.isAllowedForSomeClient(origin))) {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Allow-Methods'] = allowMethods;
        headers['Access-Control-Allow-Headers'] = ALLOWED_REQUEST_HEADERS;
        headers['Access-Control-Max-Age'] = String(PREFLIGHT_MAX_AGE_SECONDS);
      }
      return c.body(null, 204, headers);
    }

    await next();
    // Every answer here depends on Origin, including the ones without CORS headers, so caches must key on it.
    c.res.headers.append('Vary', 'Origin');
    if (!isSerializedOrigin(origin)) return;
    const client = c.get('client') ?? (await findNamedClient(c, namedClientId(c)));
    if (client?.allowedOrigins.includes(origin)) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      // Lets the app read the Basic, Bearer or DPoP challenge of a 401 (RFC 6749 §5.2, RFC 6750 §3, RFC 9449 §7.1)
      // and the server nonce (RFC 9449 §8).
      c.res.headers.set('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
    }
  };
}

/** Token, revocation, introspection: the client_id in the Basic credentials or the form, authenticated or not. */
export function clientIdFromCredentials(c: Context<AppEnv>): string | undefined {
  try {
    // The form is absent when the request failed before it was read; the Basic header may still name the client.
    return findClientCredentials(clientAuthRequest(c, c.get('params') ?? parseFormBody('')))?.clientId;
  } catch {
    return undefined;
  }
}

/**
 * Userinfo: the `client_id` claim (RFC 9068 §2.2) of the Bearer or DPoP token, read without verifying it. A success means
 * the endpoint verified the token; a forged token can only make its error readable by the named client's origins.
 */
export function clientIdFromAccessToken(c: Context<AppEnv>): string | undefined {
  const [scheme, credentials] = c.req.header('authorization')?.trim().split(/\s+/) ?? [];
  // RFC 6750 §2.1 or RFC 9449 §7.1 header, or RFC 6750 §2.2 form parameter when the endpoint read a form.
  const fromHeader = scheme?.toLowerCase() === 'bearer' || scheme?.toLowerCase() === 'dpop';
  const token = fromHeader ? credentials : c.get('params')?.get('access_token');
  if (!token) return undefined;
  try {
    const { client_id: clientId } = decodeJwt(token);
    return typeof clientId === 'string' ? clientId : undefined;
  } catch {
    return undefined;
  }
}

async function findNamedClient(c: Context<AppEnv>, clientId: string | undefined): Promise<Client | null> {
  if (clientId === undefined) return null;
  try {
    return await c.get('stores').clients.findById(clientId);
  } catch (error) {
    // The response is already decided (it may carry tokens); failing to share it beats replacing it with a 500.
    console.error(`[${logId(c)}] CORS client lookup failed:`, error);
    return null;
  }
}

/** Browsers send `null` for opaque origins (sandboxed frames, file:); no client can register it. */
function isSerializedOrigin(origin: string | undefined): origin is string {
  return origin !== undefined && origin !== 'null';
}
