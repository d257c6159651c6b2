// The client settings people edit on the developer pages and with the admin command line, mapped onto RFC 7591 §2
// metadata so that they pass through exactly the validation of dynamic registration (client-metadata.ts).
import type { Client, ClientType } from '../storage/types';
import {
  clientMetadataOf,
  validateClientMetadata,
  type ClientMetadata,
  type ClientMetadataPolicy,
} from './client-metadata';
import { OAuthError } from './errors';

/** What a person chooses for a client; an absent field keeps the current value (or the RFC 7591 default). */
export interface ClientSettings {
  name?: string;
  type?: ClientType;
  grantTypes?: string[];
  redirectUris?: string[];
  allowedOrigins?: string[];
  scopes?: string[];
  /** `id_token_signed_response_alg`; null is the default (RS256). */
  idTokenSigningAlg?: string | null;
  /** `userinfo_signed_response_alg` (OIDC Core §5.3.2); null is the default, plain JSON userinfo. */
  userinfoSigningAlg?: string | null;
}

/**
 * Validates the settings as RFC 7591 metadata: alone for a new client, or over `current`'s registered metadata for
 * a change, so members these settings do not cover (client_uri, contacts, ...) are kept.
 */
export function validateClientSettings(
  settings: ClientSettings,
  policy: ClientMetadataPolicy,
  current?: Client,
): ClientMetadata {
  // RFC 7591 can only say "no scope member" (every API scope); an empty choice would be read as that, so refuse it.
  if (settings.scopes?.length === 0)
    throw new OAuthError('invalid_client_metadata', 'scope must list at least one scope');
  return validateClientMetadata(metadataForSettings(settings, current), policy);
}

/** The RFC 7591 members for these settings on top of `current`'s. */
function metadataForSettings(settings: ClientSettings, current?: Client): Record<string, unknown> {
  const metadata = current ? clientMetadataOf(current) : {};
  // Derived again from the grant types (client-metadata.ts), so a change of grant types cannot contradict it.
  delete metadata.response_types;
  const set = (member: string, value: unknown) => {
    if (value !== undefined) metadata[member] = value;
  };
  set('client_name', settings.name);
  set('token_endpoint_auth_method', settings.type && authMethodFor(settings.type, current));
  set('grant_types', settings.grantTypes);
  set('redirect_uris', settings.redirectUris);
  set('allowed_origins', settings.allowedOrigins);
  set('scope', settings.scopes?.join(' '));
  // null removes the member (RFC 7592 §2.2 semantics), so the default applies again.
  set('id_token_signed_response_alg', settings.idTokenSigningAlg);
  set('userinfo_signed_response_alg', settings.userinfoSigningAlg);
  return metadata;
}

/** Public clients authenticate with `none` (RFC 7591 §2); a confidential one keeps its method, else Basic. */
function authMethodFor(type: ClientType, current: Client | undefined): string {
  if (type === 'public') return 'none';
  return current && current.tokenEndpointAuthMethod !== 'none'
    ? current.tokenEndpointAuthMethod
    : 'client_secret_basic';
}
