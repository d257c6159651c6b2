// GET /.well-known/oauth-protected-resource/api (RFC 9728 §3.1, the path-suffixed form for the resource `<issuer>/api`)
// and /.well-known/oauth-protected-resource: the sample API's protected resource metadata, built with the verifier
// package's helper from the same issuer and audience its verifier uses, serialized once per issuer.
import { protectedResourceMetadata, type PublishedResourceMetadata } from '@portcullis/verify';
import type { Context } from 'hono';
import type { Config } from '../config';
import { cachedJson, cachedJsonDocument, type CachedJsonDocument } from '../http/cached-json';
import { requestIssuer } from '../http/context';
import { OAuthError } from '../oauth/errors';
import { defaultAudienceFor } from '../oauth/resource';
import { hashOpaqueToken } from '../tokens/opaque';

const METADATA_MAX_AGE_SECONDS = 3600;
/** The scopes the sample API's operations require (src/api/unicorns.ts). */
export const SAMPLE_API_SCOPES = ['read', 'write'] as const;
export const SAMPLE_API_ROOT_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The metadata of the sample API for an issuer: resource `<issuer>/api` (or DEFAULT_AUDIENCE). */
export function sampleApiMetadata(config: Config, issuer: string): PublishedResourceMetadata {
  return protectedResourceMetadata({
    issuer,
    audience: defaultAudienceFor(config, issuer),
    scopesSupported: SAMPLE_API_SCOPES,
    resourceName: 'Portcullis sample API (unicorns)',
    // The sample API's verifier accepts DPoP with the package defaults (unicorns.ts).
    dpop: {},
  });
}

/** Like discovery, it takes the isolate's config: app.ts serves it before the global middleware. */
export function resourceMetadataEndpoint(config: Config): (c: Context) => Promise<Response> {
  const documents = new Map<string, Promise<CachedJsonDocument & { path: string }>>();

  async function documentFor(issuer: string): Promise<CachedJsonDocument & { path: string }> {
    const { document, path } = sampleApiMetadata(config, issuer);
    const body = JSON.stringify(document);
    return { ...cachedJsonDocument(body, `"${await hashOpaqueToken(body)}"`, METADATA_MAX_AGE_SECONDS), path };
  }

  return async function resourceMetadata(c) {
    const issuer = requestIssuer(config, c.req.url);
    let document = documents.get(issuer);
    if (!document) {
      document = documentFor(issuer);
      documents.set(issuer, document);
    }
    const published = await document;
    // The root form too: this origin hosts one protected resource, and some clients only try the root (README, "Choices where the specs leave room").
    if (c.req.path !== published.path && c.req.path !== SAMPLE_API_ROOT_METADATA_PATH) {
      throw new OAuthError('not_found', 'no protected resource is published at this path');
    }
    return cachedJson(c.req.raw, published);
  };
}
