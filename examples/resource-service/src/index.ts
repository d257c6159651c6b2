// The example microservice: a Worker of its own that protects GET /hello and POST /hello with @portcullis/verify
// (installed from the packed tarball) and publishes its RFC 9728 metadata. It fetches the issuer's JWKS once, over
// the AUTH service binding (or JWKS_URL), keeps it in memory, and verifies every token locally, DPoP proofs included.
import { Hono } from 'hono';
import { protectedResource, type AccessTokenEnv, type ProtectedResource } from '@portcullis/verify/hono';

interface Bindings {
  ISSUER_URL: string;
  RESOURCE: string;
  JWKS_URL?: string;
  JWKS_COOLDOWN_SECONDS?: string;
  /** The service binding to the Portcullis Worker (wrangler.toml [[services]]). */
  AUTH: { fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> };
}
type Env = { Bindings: Bindings } & AccessTokenEnv;

// Once per isolate, never per request: the verifier inside keeps the fetched keys and the verified tokens.
let resource: ProtectedResource<Env> | undefined;
function resourceOf(env: Bindings): ProtectedResource<Env> {
  resource ??= protectedResource<Env>({
    issuer: env.ISSUER_URL,
    audience: env.RESOURCE,
    scopesSupported: ['read', 'write'],
    // DPoP-bound tokens with their proofs (RFC 9449 §7); replay is refused per isolate, the package default.
    dpop: {},
    jwksCooldownSeconds: Number(env.JWKS_COOLDOWN_SECONDS ?? 30),
    ...(env.JWKS_URL
      ? { jwksUri: env.JWKS_URL }
      : { jwksFetcher: (url: string | URL, init?: RequestInit) => env.AUTH.fetch(url, init) }),
  });
  return resource;
}

const app = new Hono<Env>();

app.get('/.well-known/oauth-protected-resource/*', (c) => {
  const { metadata, metadataHandler } = resourceOf(c.env);
  return c.req.path === metadata.path ? metadataHandler(c) : c.notFound();
});
app.get(
  '/hello',
  (c, next) => resourceOf(c.env).guard(['read'])(c, next),
  (c) => {
    const token = c.get('accessToken');
    return c.json({ hello: token.sub, client_id: token.client_id, scope: token.scope });
  },
);
app.post(
  '/hello',
  (c, next) => resourceOf(c.env).guard(['write'])(c, next),
  (c) => c.json({ written: true }, 201),
);

export default app;
