// The client-authentication registry (RFC 6749 §2.3, §3.2.1): token_endpoint_auth_method → method. Token,
// revocation and introspection authenticate clients here and nowhere else; the method must be the registered one.
import type { Config } from '../../config';
import type { Client, TokenEndpointAuthMethod } from '../../storage/types';
import { countAuthenticationFailure } from '../authentication-failures';
import { OAuthError } from '../errors';
import { clientSecretBasic } from './client-secret-basic';
import { clientSecretJwt } from './client-secret-jwt';
import { clientSecretPost } from './client-secret-post';
import { none } from './none';
import { privateKeyJwt } from './private-key-jwt';
import type { ClientAuthContext, ClientAuthMethod, ClientAuthRequest, PresentedClientCredentials } from './types';

export { BASIC_CHALLENGE } from './client-secret-basic';
export type { ClientAuthContext, ClientAuthRequest, PresentedClientCredentials } from './types';

const METHODS: Readonly<Record<TokenEndpointAuthMethod, ClientAuthMethod>> = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  client_secret_jwt: clientSecretJwt,
  private_key_jwt: privateKeyJwt,
  none,
};

export const SUPPORTED_AUTH_METHODS = Object.keys(METHODS) as TokenEndpointAuthMethod[];

/** The methods this deployment offers: client_secret_jwt needs CLIENT_SECRET_ENCRYPTION_KEY. */
export function enabledAuthMethods(config: Config): TokenEndpointAuthMethod[] {
  return SUPPORTED_AUTH_METHODS.filter(
    (method) => method !== 'client_secret_jwt' || config.clientSecretEncryptionKey !== undefined,
  );
}

/** Whether clients authenticating with `method` are issued a client secret. */
export function usesClientSecret(method: TokenEndpointAuthMethod): boolean {
  return METHODS[method].usesSecret;
}

/** The credentials the request presents, without checking them; undefined when it presents none. */
export function findClientCredentials(request: ClientAuthRequest): PresentedClientCredentials | undefined {
  const used = Object.values(METHODS).filter((method) => method.isUsedBy(request));
  // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
  if (used.length > 1) throw new OAuthError('invalid_request', 'use one client authentication method, not several');
  return (used[0] ?? none).find(request);
}

export async function authenticateClient(request: ClientAuthRequest, context: ClientAuthContext): Promise<Client> {
  const presented = findClientCredentials(request);
  if (!presented) throw new OAuthError('invalid_client', 'client authentication is required');
  const challenge = METHODS[presented.method].challenge;
  const failed = (description: string) =>
    new OAuthError('invalid_client', description, {
      // RFC 6749 §5.2: a 401 with a challenge matching the scheme the client used.
      headers: challenge === undefined ? {} : { 'WWW-Authenticate': challenge },
    });

  const { clients } = context;
  let client = await clients.findById(presented.clientId);
  let proven = await presented.proves(client, context);
  if (client && !proven) {
    // The record may be this isolate's cached copy from before a rotation elsewhere: read it again once, so new
    // credentials work everywhere at once (storage/cached-clients.ts).
    clients.invalidate(client.id);
    client = await clients.findById(presented.clientId);
    proven = await presented.proves(client, context);
  }
  if (!client || !proven) {
    await countAuthenticationFailure(context.failures, 'client-auth', client?.id ?? null);
    throw failed('client authentication failed');
  }
  if (client.tokenEndpointAuthMethod !== presented.method) {
    throw failed(`this client must authenticate with ${client.tokenEndpointAuthMethod}`);
  }
  return client;
}
