// GET /.well-known/oauth-authorization-server (RFC 8414 §3) and /.well-known/openid-configuration (OIDC
// Discovery §4): one metadata document, serialized once per issuer.
import type { Config } from '../config';
import { buildServerMetadata } from '../oauth/metadata';
import type { SigningKeySource } from '../tokens/keys';
import { hashOpaqueToken } from '../tokens/opaque';
import { cachedJson, cachedJsonDocument, type CachedJsonDocument } from './cached-json';
import { requestIssuer } from './context';

const METADATA_MAX_AGE_SECONDS = 3600;

/** Takes the isolate's config and key source rather than a request context: well-known.ts serves this before the app. */
export function discoveryEndpoint(config: Config, keys: SigningKeySource): (request: Request) => Promise<Response> {
  // Keyed by issuer, which is fixed in production and the request origin in development.
  const documents = new Map<string, Promise<CachedJsonDocument>>();

  async function metadataDocument(issuer: string): Promise<CachedJsonDocument> {
    const body = JSON.stringify(buildServerMetadata(issuer, config, keys.algorithms));
    return cachedJsonDocument(body, `"${await hashOpaqueToken(body)}"`, METADATA_MAX_AGE_SECONDS);
  }

  return async (request) => {
    const issuer = requestIssuer(config, request.url);
    let document = documents.get(issuer);
    if (!document) {
      document = metadataDocument(issuer);
      documents.set(issuer, document);
    }
    return cachedJson(request, await document);
  };
}
