// Discovery (RFC 8414 §3, OIDC Discovery §4) and the JWKS (RFC 7517 §5), answered before Hono routes the request:
// precomputed documents need no routing, context or middleware, which cost more than the documents themselves
// (docs/performance.md). Preflights for them still go through the app (publicCors).
import type { Config } from '../config';
import type { SigningKeySource } from '../tokens/keys';
import { discoveryEndpoint } from './discovery';
import { jwksEndpoint } from './jwks';

export type WellKnownResponder = (request: Request) => Promise<Response> | undefined;

const DISCOVERY_PATHS = new Set(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
const JWKS_PATH = '/.well-known/jwks.json';
export const WELL_KNOWN_PATHS = [...DISCOVERY_PATHS, JWKS_PATH];

/** Answers GET and HEAD of the well-known documents; undefined for any other request, which the app then routes. */
export function wellKnownResponder(config: Config, keys: SigningKeySource): WellKnownResponder {
  const jwks = jwksEndpoint(keys);
  const discovery = discoveryEndpoint(config, keys);
  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const path = pathOf(request.url);
    if (path === JWKS_PATH) return jwks(request);
    if (DISCOVERY_PATHS.has(path)) return discovery(request);
    return undefined;
  };
}

/** The path of an absolute URL without parsing all of it (a request URL always has a scheme and host). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
