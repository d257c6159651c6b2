// The sample API's list read behind portcullis/verify's Hono middleware, set up as src/api/unicorns.ts does it:
// the issuer's public keys in memory, `read` scope required, the verified-token cache on by default.
import { Hono, type Context } from 'hono';
import type { JSONWebKeySet } from 'jose';
import { createVerifier, type Verifier } from '../../src/verify';
import { requireScope, verifyAccessToken, type AccessTokenEnv } from '../../src/verify/hono';
import { listUnicorns, type ApiBindings } from './unicorns-route';

type Env = { Bindings: ApiBindings } & AccessTokenEnv;

// Built once per isolate, never per request: it holds the imported keys and the verified-token cache.
let verifier: Verifier | undefined;

function verifierFor(bindings: ApiBindings): Verifier {
  verifier ??= createVerifier({
    issuer: bindings.ISSUER,
    audience: `${bindings.ISSUER}/api`,
    jwks: JSON.parse(bindings.PUBLIC_JWKS) as JSONWebKeySet,
    algorithms: ['ES256'],
  });
  return verifier;
}

export default new Hono<Env>().get(
  '/api/unicorns',
  verifyAccessToken<{ Bindings: ApiBindings }>({ verifier: (c: Context<Env>) => verifierFor(c.env) }),
  requireScope('read'),
  listUnicorns,
);
