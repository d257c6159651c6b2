// GET /.well-known/oauth-authorization-server (RFC 8414 §3) and /.well-known/openid-configuration (OIDC
// Discovery §4): one metadata document, serialized once per issuer.
import { Hono, type Context } from 'hono';
import { buildServerMetadata } from '../oauth/metadata';
import { hashOpaqueToken } from '../tokens/opaque';
import type { AppEnv } from './context';
import { cachedJson } from './cached-json';

const METADATA_MAX_AGE_SECONDS = 3600;

type MetadataDocument = { body: string; etag: string };

export function discoveryEndpoints(): Hono<AppEnv> {
  // Keyed by issuer, which is fixed in production and the request origin in development.
  const documents = new Map<string, Promise<MetadataDocument>>();

  function metadataDocument(c: Context<AppEnv>): Promise<MetadataDocument> {
    const issuer = c.get('issuer');
    let document = documents.get(issuer);
    if (!document) {
      const body = JSON.stringify(buildServerMetadata(issuer, c.get('config'), c.get('keys')));
      document = hashOpaqueToken(body).then((hash) => ({ body, etag: `"${hash}"` }));
      documents.set(issuer, document);
    }
    return document;
  }

  async function serveMetadata(c: Context<AppEnv>): Promise<Response> {
    const { body, etag } = await metadataDocument(c);
    return cachedJson(c, body, etag, METADATA_MAX_AGE_SECONDS);
  }

  return new Hono<AppEnv>().get('/oauth-authorization-server', serveMetadata).get('/openid-configuration', serveMetadata);
}
