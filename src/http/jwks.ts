// GET /.well-known/jwks.json (RFC 7517 §5): the public signing keys, serialized once, with a strong ETag.
import { Hono } from 'hono';
import type { AppEnv } from './context';
import { cachedJson } from './cached-json';

/** Resource servers refresh on an unknown kid anyway, so a few minutes of caching is safe during rotation. */
const JWKS_MAX_AGE_SECONDS = 300;

export const jwksEndpoint = new Hono<AppEnv>().get('/', (c) => {
  const keys = c.get('keys');
  return cachedJson(c, keys.jwksBody, keys.jwksEtag, JWKS_MAX_AGE_SECONDS);
});
