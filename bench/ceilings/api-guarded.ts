// The sample API's list read behind @portcullis/verify's Hono middleware, set up as src/api/unicorns.ts does it:
// the issuer's public keys in memory, `read` scope required, the verified-token cache on by default.
import { Hono, type MiddlewareHandler } from 'hono';
import type { JSONWebKeySet } from 'jose';
import { requireScope, verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
import { listUnicorns, ping, type ApiBindings } from './unicorns-route';

type Env = { Bindings: ApiBindings } & AccessTokenEnv;

// Built once per isolate, never per request: its verifier holds the imported keys and the verified-token cache.
let guard: MiddlewareHandler<Env> | undefined;

function guardFor(bindings: ApiBindings): MiddlewareHandler<Env> {
  guard ??= verifyAccessToken<{ Bindings: ApiBindings }>({
    issuer: bindings.ISSUER,
    audience: `${bindings.ISSUER}/api`,
    jwks: JSON.parse(bindings.PUBLIC_JWKS) as JSONWebKeySet,
    algorithms: ['ES256'],
  });
  return guard;
}

export default new Hono<Env>()
  .use('/api/*', (c, next) => guardFor(c.env)(c, next), requireScope('read'))
  .get('/api/unicorns', listUnicorns)
  .get('/api/ping', ping);
