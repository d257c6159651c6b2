// protectedResource: everything a Hono resource server needs from one set of verifier options: the verifier, its
// RFC 9728 metadata document and route, and guards whose challenges carry `resource_metadata` (RFC 9728 §5.1).
import type { Context, Env, MiddlewareHandler } from 'hono';
import { verifyAccessToken, type AccessTokenEnv, type GuardOptions } from './middleware.js';
import { createVerifier, type Verifier, type VerifierOptions } from './index.js';
import {
  protectedResourceMetadata,
  type PublishedResourceMetadata,
  type ResourceMetadataOptions,
} from './resource-metadata.js';

/** How long clients and caches may keep the metadata document. */
export const RESOURCE_METADATA_MAX_AGE_SECONDS = 3600;

export interface ProtectedResourceOptions extends VerifierOptions, ResourceMetadataOptions {
  /** The `realm` of the challenges (RFC 6750 §3); default the resource identifier. */
  realm?: string;
}

export interface ProtectedResource<E extends Env = Env> {
  readonly verifier: Verifier;
  /** The document, its URL and its path (serve `metadataHandler` at `metadata.path`). */
  readonly metadata: PublishedResourceMetadata;
  /** GET handler for `metadata.path`: the document as JSON, cacheable, readable from any origin. */
  readonly metadataHandler: (c: Context) => Response;
  /**
   * verifyAccessToken with this verifier, requiring `scopes`; challenges carry the realm and `resource_metadata`.
   * The same middleware is returned for the same scopes, so calling it per request is cheap.
   */
  guard(
    scopes?: readonly string[],
    options?: Pick<GuardOptions, 'challengeScope'>,
  ): MiddlewareHandler<E & AccessTokenEnv>;
}

/**
 * Builds a protected resource once per isolate (it owns a verifier, and so its JWKS and token caches):
 *
 * ```ts
 * const api = protectedResource({ issuer, audience: 'https://api.example', jwksUri, scopesSupported: ['read'] });
 * app.get(api.metadata.path, api.metadataHandler);
 * app.get('/things', api.guard(['read']), (c) => c.json({ caller: c.get('accessToken').sub }));
 * ```
 */
export function protectedResource<E extends Env = Env>(options: ProtectedResourceOptions): ProtectedResource<E> {
  const metadata = protectedResourceMetadata(options);
  const verifier = createVerifier(options);
  const realm = options.realm ?? metadata.document.resource;
  const body = JSON.stringify(metadata.document);
  const headers = {
    'Content-Type': 'application/json',
    'Cache-Control': `public, max-age=${RESOURCE_METADATA_MAX_AGE_SECONDS}`,
    // Public, and read by browser clients on any origin (RFC 9728 §3.2 has no credentials).
    'Access-Control-Allow-Origin': '*',
  };
  return {
    verifier,
    metadata,
    metadataHandler: () => new Response(body, { headers }),
    guard: (scopes = [], guardOptions = {}) =>
      verifyAccessToken<E>({ verifier, scopes, realm, resourceMetadata: metadata.url, ...guardOptions }),
  };
}
