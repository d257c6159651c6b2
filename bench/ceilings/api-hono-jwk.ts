// The sample API's list read behind Hono's own `hono/jwk` middleware with the same public keys given inline (its
// fastest setup: with `jwks_uri` it fetches the set on every request) and the same iss, aud and typ checks.
import { Hono, type MiddlewareHandler } from 'hono';
import { jwk } from 'hono/jwk';
import { listUnicorns, ping, type ApiBindings } from './unicorns-route';

type Env = { Bindings: ApiBindings };
type JwkKeys = NonNullable<Parameters<typeof jwk>[0]['keys']>;

// Built once per isolate from the bindings, like a module-level `app.use(jwk(...))` with constant keys.
let guard: MiddlewareHandler<Env> | undefined;

function guardFor(bindings: ApiBindings): MiddlewareHandler<Env> {
  guard ??= jwk({
    keys: (JSON.parse(bindings.PUBLIC_JWKS) as { keys: JwkKeys }).keys,
    alg: ['ES256'],
    verification: { iss: bindings.ISSUER, aud: `${bindings.ISSUER}/api`, typ: 'at+jwt' },
  });
  return guard;
}

export default new Hono<Env>()
  .use('/api/*', (c, next) => guardFor(c.env)(c, next))
  .get('/api/unicorns', listUnicorns)
  .get('/api/ping', ping);
