// GET /.well-known/jwks.json (RFC 7517 §5): the public signing keys, serialized once per key ring, with a strong ETag.
import { JWKS_MAX_AGE_SECONDS, type KeyRing, type SigningKeySource } from '../tokens/keys';
import { cachedJson, cachedJsonDocument, type CachedJsonDocument } from './cached-json';

/**
 * Takes the isolate's key source rather than a request context: well-known.ts serves this before the app.
 * Managed keys change the ring as keys are published and retired; each ring's document is built once.
 */
export function jwksEndpoint(keys: SigningKeySource): (request: Request) => Promise<Response> {
  const documents = new WeakMap<KeyRing, CachedJsonDocument>();
  return async (request) => {
    const ring = await keys.current();
    let document = documents.get(ring);
    if (!document) {
      document = cachedJsonDocument(ring.jwksBody, ring.jwksEtag, JWKS_MAX_AGE_SECONDS);
      documents.set(ring, document);
    }
    return cachedJson(request, document);
  };
}
