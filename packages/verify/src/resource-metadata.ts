// OAuth 2.0 Protected Resource Metadata (RFC 9728): the document a resource server publishes so that clients (MCP
// clients among them) find its authorization server from a 401, and the well-known URL it lives at (§3.1).
import { DPOP_ALGORITHMS } from './dpop.js';
import type { DPoPOptions } from './dpop-binding.js';

/** The RFC 9728 §2 metadata of a protected resource, as served (snake_case on the wire). */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
  /** RFC 9728 §2: the DPoP proof algorithms accepted, when the resource accepts DPoP. */
  readonly dpop_signing_alg_values_supported?: readonly string[];
  readonly dpop_bound_access_tokens_required?: boolean;
}

export interface ResourceMetadataOptions {
  /** The resource identifier (RFC 9728 §1.2, RFC 8707): an https URL without a fragment; default the first audience. */
  resource?: string;
  /** Issuer identifiers of the authorization servers (RFC 9728 §2); default `[issuer]`. */
  authorizationServers?: readonly string[];
  /** The scopes this resource's operations require, for clients to request (RFC 9728 §2 `scopes_supported`). */
  scopesSupported?: readonly string[];
  /** A human-readable name (RFC 9728 §2 `resource_name`). */
  resourceName?: string;
  /** A page for developers about this resource (RFC 9728 §2 `resource_documentation`). */
  resourceDocumentation?: string;
  /** The verifier's DPoP options, if it accepts DPoP: published as the RFC 9728 §2 `dpop_*` members. */
  dpop?: DPoPOptions;
}

/** The metadata document and where it is served: its absolute URL and the path of that URL. */
export interface PublishedResourceMetadata {
  readonly document: ProtectedResourceMetadata;
  readonly url: string;
  readonly path: string;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * The metadata URL of a resource (RFC 9728 §3.1): the well-known suffix goes between the host and the resource's
 * path, so `https://api.example/v1` publishes at `https://api.example/.well-known/oauth-protected-resource/v1`.
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  if (url.hash !== '' || resource.includes('#')) throw new TypeError('a resource identifier has no fragment');
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}${WELL_KNOWN}${path}${url.search}`;
}

/**
 * Builds the metadata of the resource a verifier protects, from the verifier's own options: the resource is the
 * first audience unless given, and the authorization server its issuer. Only bearer tokens in the Authorization
 * header are accepted by the verifier, so `bearer_methods_supported` is `["header"]` (RFC 6750 §2.1); with DPoP, its
 * algorithms and whether it is required.
 */
export function protectedResourceMetadata(
  options: { issuer: string; audience: string | readonly string[] } & ResourceMetadataOptions,
): PublishedResourceMetadata {
  const resource = options.resource ?? (typeof options.audience === 'string' ? options.audience : options.audience[0]);
  if (!resource) throw new TypeError('protectedResourceMetadata needs a resource or an audience');
  const document: ProtectedResourceMetadata = {
    resource,
    authorization_servers: [...(options.authorizationServers ?? [options.issuer])],
    bearer_methods_supported: ['header'],
    ...(options.scopesSupported ? { scopes_supported: [...options.scopesSupported] } : {}),
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
    ...(options.resourceDocumentation ? { resource_documentation: options.resourceDocumentation } : {}),
    ...(options.dpop
      ? {
          dpop_signing_alg_values_supported: [...(options.dpop.algorithms ?? DPOP_ALGORITHMS)],
          dpop_bound_access_tokens_required: options.dpop.required ?? false,
        }
      : {}),
  };
  const url = resourceMetadataUrl(resource);
  return { document: Object.freeze(document), url, path: new URL(url).pathname };
}
