// The sample protected API, like the Django REST Framework tutorial's: /api/unicorns list, create, read, replace,
// update, delete. Tokens are checked with @portcullis/verify against the issuer's own keys in memory (RFC 9068 §4),
// so authorization queries no database; reading needs scope `read`, writing `write`, and only the owner may write.
// Browser apps on an origin some client registered (`allowed_origins`) may call it (CORS, docs/cors.md), and its
// challenges point to its RFC 9728 metadata (resource-metadata.ts).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/context';
import { parseInput } from '../http/json';
import { OAuthError } from '../oauth/errors';
import { defaultAudienceFor } from '../oauth/resource';
import { databaseFor } from '../storage/db';
import { generateOpaqueToken } from '../tokens/opaque';
import type { KeyRing } from '../tokens/keys';
import { createVerifier, type Verifier } from '@portcullis/verify';
import { requireScope, resourceCors, verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
import { readUnicornBody } from './unicorn-body';
import { newUnicorn, page, unicornPatch } from './unicorn-input';
import { createUnicornStore, type Unicorn, type UnicornChanges, type UnicornStore } from './unicorn-store';

type ApiEnv = AppEnv & AccessTokenEnv;
type ApiContext = Context<ApiEnv>;

export function unicornsApi(): Hono<ApiEnv> {
  // One verifier per key ring and (issuer, audience): the issuer is the request origin in development, and a
  // verifier keeps imported keys and verified tokens, so it must outlive the request.
  const verifiers = new WeakMap<KeyRing, Map<string, Verifier>>();
  const stores = new WeakMap<D1Database, UnicornStore>();

  function verifierFor(c: ApiContext): Verifier {
    const keys = c.get('keys');
    const issuer = c.get('issuer');
    const audience = defaultAudienceFor(c.get('config'), issuer);
    const byIssuer = verifiers.get(keys) ?? verifiers.set(keys, new Map()).get(keys)!;
    const id = `${issuer} ${audience}`;
    let verifier = byIssuer.get(id);
    if (!verifier) {
      // DPoP-bound tokens are accepted with their proofs (RFC 9449 §7), replay refused per isolate (the package's
      // default store: a sample API shows what any resource server gets); Bearer tokens still work.
      verifier = createVerifier({ issuer, audience, jwks: keys.publicJwks, algorithms: keys.algorithms, dpop: {} });
      byIssuer.set(id, verifier);
    }
    return verifier;
  }

  function storeFor(c: ApiContext): UnicornStore {
    let store = stores.get(c.env.DB);
    if (!store) {
      store = createUnicornStore(databaseFor(c.env.DB));
      stores.set(c.env.DB, store);
    }
    return store;
  }

  // The origins some client registered, from the isolate's cached set: a preflight costs no D1 read.
  const cors = resourceCors<ApiEnv>({
    origin: async (origin, c) => ((await c.get('stores').origins.isAllowedForSomeClient(origin)) ? origin : null),
  });
  const guard = verifyAccessToken<AppEnv>({ verifierFor, resourceMetadata: true });
  const read = requireScope('read');
  const write = requireScope('write');

  return (
    new Hono<ApiEnv>()
      // In Hono, `/unicorns/*` matches `/unicorns` too.
      .use('/unicorns/*', cors, guard)
      .get('/unicorns', read, async (c) => {
        const { limit, offset } = parseInput(page, c.req.query());
        const unicorns = await storeFor(c).list({ limit, offset });
        return c.json({ unicorns: unicorns.map(toJson) });
      })
      .post('/unicorns', write, async (c) => {
        const unicorn: Unicorn = {
          id: generateOpaqueToken(12),
          ...wholeUnicorn(parseInput(newUnicorn, await readUnicornBody(c))),
          ownerSub: c.get('accessToken').sub,
          createdAt: Math.floor(Date.now() / 1000),
        };
        await storeFor(c).create(unicorn);
        return c.json(toJson(unicorn), 201, { Location: `${c.req.path}/${unicorn.id}` });
      })
      .get('/unicorns/:id', read, async (c) => {
        const unicorn = await storeFor(c).findById(c.req.param('id'));
        if (!unicorn) throw notFound();
        return c.json(toJson(unicorn));
      })
      .put('/unicorns/:id', write, async (c) =>
        change(c, wholeUnicorn(parseInput(newUnicorn, await readUnicornBody(c)))),
      )
      .patch('/unicorns/:id', write, async (c) => change(c, parseInput(unicornPatch, await readUnicornBody(c))))
      .delete('/unicorns/:id', write, async (c) => {
        const result = await storeFor(c).delete(c.req.param('id'), c.get('accessToken').sub);
        if (result !== true) throw refused(result);
        return c.body(null, 204);
      })
  );

  async function change(c: ApiContext, changes: UnicornChanges): Promise<Response> {
    const result = await storeFor(c).update(c.req.param('id') ?? '', c.get('accessToken').sub, changes);
    if (typeof result === 'string') throw refused(result);
    return c.json(toJson(result));
  }
}

/** Every field of a create or replace (PUT): an optional field left out is cleared, not kept. */
function wholeUnicorn(input: { name: string; age: number; color?: string | undefined }) {
  return { name: input.name, age: input.age, color: input.color ?? null };
}

function toJson(unicorn: Unicorn) {
  return {
    id: unicorn.id,
    name: unicorn.name,
    age: unicorn.age,
    color: unicorn.color,
    owner: unicorn.ownerSub,
    created_at: unicorn.createdAt,
  };
}

function notFound(): OAuthError {
  return new OAuthError('not_found', 'no unicorn has this id');
}

function refused(reason: 'not_found' | 'not_owner'): OAuthError {
  // Like DRF's IsOwnerOrReadOnly: any `read` token sees every unicorn, only its owner's `write` token changes it.
  return reason === 'not_found'
    ? notFound()
    : new OAuthError('access_denied', 'only the owner of this unicorn may change it');
}
