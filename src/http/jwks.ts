// GET /.well-known/jwks.json (RFC 7517 §5): the public signing keys, serialized once, with a strong ETag.
import type { KeyRing } from '../tokens/keys';
import { cachedJson, cachedJsonDocument, type CachedJsonDocument } from './cached-json';

/** Resource servers refresh on an unknown kid anyway, so a few minutes of caching is safe during rotation. */
const JWKS_MAX_AGE_SECONDS = 300;

/** Takes the isolate's key ring rather than a request context: well-known.ts serves this before the app. */
export function jwksEndpoint(keys: Promise<KeyRing>): (request: Request) => Promise<Response> {
  let document: Promise<CachedJsonDocument> | undefined;
  return async (request) => {
    document ??= keys.then((ring) => cachedJsonDocument(ring.jwksBody, ring.jwksEtag, JWKS_MAX_AGE_SECONDS));
    return cachedJson(request, await document);
  };
}
