// Answers a precomputed public JSON document with a strong ETag, conditional GET (RFC 9110 §13.1.2), caching and
// CORS for any origin: discovery and the JWKS are public and read by browsers and servers alike.
import type { Context } from 'hono';

export function cachedJson(c: Context, body: string, etag: string, maxAgeSeconds: number): Response {
  const headers = {
    'Content-Type': 'application/json',
    'Cache-Control': `public, max-age=${maxAgeSeconds}`,
    ETag: etag,
    'Access-Control-Allow-Origin': '*',
  };
  if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(etag)) {
    return c.body(null, 304, headers);
  }
  return c.body(body, 200, headers);
}
