// RP-initiated logout requests (OpenID Connect RP-Initiated Logout 1.0 §2, §3): who asks (id_token_hint, client_id)
// and where to return (post_logout_redirect_uri, only a registered one, compared exactly). Errors are never redirected.
import type { KeyRing } from '../tokens/keys';
import type { Client, ClientStore } from '../storage/types';
import { OAuthError } from './errors';
import { verifyIdTokenHint, type IdTokenHint } from './id-token-hint';
import type { RequestParams } from './params';
import { uriCharacterProblem } from './redirect-uri';

export interface LogoutRequest {
  /** The id_token_hint as sent, kept to carry the request through the confirmation form. */
  idTokenHint: string | null;
  hint: IdTokenHint | null;
  /** The client named by client_id or by the hint; null when neither names one that exists. */
  client: Client | null;
  postLogoutRedirectUri: string | null;
  state: string | undefined;
}

export interface LogoutDependencies {
  clients: Pick<ClientStore, 'findById'>;
  keys: KeyRing;
  issuer: string;
}

export async function resolveLogoutRequest(
  params: RequestParams,
  { clients, keys, issuer }: LogoutDependencies,
): Promise<LogoutRequest> {
  const idTokenHint = params.get('id_token_hint') ?? null;
  const hint = idTokenHint === null ? null : await verifyIdTokenHint(idTokenHint, keys, issuer);
  const clientId = params.get('client_id');
  if (hint && clientId !== undefined && clientId !== hint.clientId) {
    throw new OAuthError('invalid_request', 'The client_id does not match the id_token_hint.');
  }
  const client = await findClient(clients, clientId, hint);
  const postLogoutRedirectUri = params.get('post_logout_redirect_uri') ?? null;
  if (postLogoutRedirectUri !== null) {
    // §3: without a client there is nothing to compare with, and an unregistered URI must not be redirected to.
    if (!client)
      throw new OAuthError('invalid_request', 'A post_logout_redirect_uri needs a client_id or an id_token_hint.');
    if (!isRegisteredPostLogoutRedirectUri(client, postLogoutRedirectUri)) {
      throw new OAuthError(
        'invalid_request',
        'The post_logout_redirect_uri is not one the application registered, so you are not sent there.',
      );
    }
  }
  return { idTokenHint, hint, client, postLogoutRedirectUri, state: params.get('state') };
}

/** The request as a query string of the parameters this server reads, to carry it through the confirmation. */
export function logoutRequestQuery(request: LogoutRequest): string {
  const query = new URLSearchParams();
  if (request.idTokenHint !== null) query.set('id_token_hint', request.idTokenHint);
  if (request.client) query.set('client_id', request.client.id);
  if (request.postLogoutRedirectUri !== null) query.set('post_logout_redirect_uri', request.postLogoutRedirectUri);
  if (request.state !== undefined) query.set('state', request.state);
  return query.toString();
}

/**
 * Registered in the client's metadata (RP-Initiated Logout §3.1, validated like redirect URIs at registration) and
 * compared exactly. A URI with control characters (stored before registration refused them) matches nothing.
 */
function isRegisteredPostLogoutRedirectUri(client: Client, requested: string): boolean {
  const uris = client.metadata.post_logout_redirect_uris;
  return uriCharacterProblem(requested) === undefined && Array.isArray(uris) && uris.includes(requested);
}

async function findClient(
  clients: Pick<ClientStore, 'findById'>,
  clientId: string | undefined,
  hint: IdTokenHint | null,
): Promise<Client | null> {
  if (clientId !== undefined) {
    const client = await clients.findById(clientId);
    if (!client)
      throw new OAuthError('invalid_request', 'The application that sent you here (client_id) is not registered.');
    return client;
  }
  // A hint from a client deleted since still names the user; it just gives nowhere to return to.
  return hint ? clients.findById(hint.clientId) : null;
}
