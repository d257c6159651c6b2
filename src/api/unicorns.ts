// The sample protected API, like the Django REST Framework tutorial's: /api/unicorns list, create, read, replace,
// update, delete. Tokens are checked with portcullis/verify against the issuer's own keys in memory (RFC 9068 §4),
// so authorization queries no database; reading needs scope `read`, writing `write`, and only the owner may write.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/context';
import { parseInput, readJsonObject } from '../http/json';
import { OAuthError } from '../oauth/errors';
import { defaultAudienceFor } from '../oauth/resource';
import { databaseFor } from '../storage/db';
import { generateOpaqueToken } from '../tokens/opaque';
import type { KeyRing } from '../tokens/keys';
import { createVerifier, type Verifier } from '@portcullis/verify';
import { requireScope, verifyAccessToken, type AccessTokenEnv } from '@portcullis/verify/hono';
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
      verifier = createVerifier({ issuer, audience, jwks: keys.publicJwks, algorithms: keys.algorithms });
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

  const guard = verifyAccessToken<AppEnv>({ verifierFor });
  const read = requireScope('read');
  const write = requireScope('write');

  return (
    new Hono<ApiEnv>()
      // In Hono, `/unicorns/*` matches `/unicorns` too.
      .use('/unicorns/*', guard)
      .get('/unicorns', read, async (c) => {
        const { limit, offset } = parseInput(page, c.req.query());
        const unicorns = await storeFor(c).list({ limit, offset });
        return c.json({ unicorns: unicorns.map(toJson) });
      })
      .post('/unicorns', write, async (c) => {
        const input = parseInput(newUnicorn, await readJsonObject(c));
        const unicorn: Unicorn = {
          id: generateOpaqueToken(12),
          ...input,
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
      .put('/unicorns/:id', write, async (c) => change(c, parseInput(newUnicorn, await readJsonObject(c))))
      .patch('/unicorns/:id', write, async (c) => change(c, parseInput(unicornPatch, await readJsonObject(c))))
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

function toJson(unicorn: Unicorn) {
  return {
    id: unicorn.id,
    name: unicorn.name,
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
