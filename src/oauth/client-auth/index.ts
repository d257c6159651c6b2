// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3, §3.2.1):
// client_secret_basic, client_secret_post, and `none` for public clients. The method must be the registered one.
import { opaqueTokenMatches } from '../tokens/opaque';
import type { CachedClientStore } from '../storage/cached-clients';
import type { Client, TokenEndpointAuthMethod } from '../storage/types';
import { OAuthError } from './errors';

export interface PresentedClientCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
}

export const BASIC_CHALLENGE = 'Basic realm="portcullis", charset="UTF-8"';

// Compared against when the client does not exist, so an unknown id costs the same as a wrong secret. It has the
// length of a real hash, and no secret hashes to it.
const UNKNOWN_CLIENT_HASH = 'A'.repeat(43);

export async function authenticateClient(
  presented: PresentedClientCredentials | undefined,
  clients: CachedClientStore,
): Promise<Client> {
  if (!presented) {
    throw new OAuthError('invalid_client', 'client authentication is required');
  }
  const failed = (description: string) =>
    new OAuthError('invalid_client', description, {
      // RFC 6749 §5.2: a 401 with a challenge matching the scheme the client used.
      headers: presented.method === 'client_secret_basic' ? { 'WWW-Authenticate': BASIC_CHALLENGE } : {},
    });

  let client = await clients.findById(presented.clientId);
  if (presented.method === 'none') {
    if (client?.tokenEndpointAuthMethod !== 'none') throw failed('client authentication failed');
    return client;
  }
  const secretMatches = (candidate: Client | null) =>
    opaqueTokenMatches(presented.secret ?? '', candidate?.secretHash ?? UNKNOWN_CLIENT_HASH);
  let matches = await secretMatches(client);
  if (client && !matches) {
    // The record may be this isolate's cached copy from before a secret rotation elsewhere: read it again once, so a
    // new secret works everywhere at once (storage/cached-clients.ts).
    clients.invalidate(client.id);
    client = await clients.findById(presented.clientId);
    matches = await secretMatches(client);
  }
  if (!client || !matches) throw failed('client authentication failed');
  if (client.tokenEndpointAuthMethod !== presented.method) {
    throw failed(`this client must authenticate with ${client.tokenEndpointAuthMethod}`);
  }
  return client;
}
