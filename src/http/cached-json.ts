// Answers a precomputed public JSON document with a strong ETag, conditional GET (RFC 9110 §13.1.2), caching and
// CORS for any origin: discovery and the JWKS are public and read by browsers and servers alike.
export interface CachedJsonDocument {
  body: string;
  etag: string;
  /** Built once per document: these answer before the app (well-known.ts), so nothing adds to them. */
  headers: Record<string, string>;
}

export function cachedJsonDocument(body: string, etag: string, maxAgeSeconds: number): CachedJsonDocument {
  const headers = {
    'Content-Type': 'application/json',
    'Cache-Control': `public, max-age=${maxAgeSeconds}`,
    ETag: etag,
    'Access-Control-Allow-Origin': '*',
    // The API's security headers as app.ts's secureHeaders sets them on JSON: never sniffed, rendered or framed.
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
  return { body, etag, headers };
}

export function cachedJson(request: Request, { body, etag, headers }: CachedJsonDocument): Response {
  if (
    request.headers
      .get('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(etag)
  ) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === 'HEAD' ? null : body, { headers });
}
