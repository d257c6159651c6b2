// What the authorization endpoint reads as the request (RFC 9126 §4, RFC 9101 §6.3): a pushed request's stored
// parameters, a verified request object's claims, or the parameters as sent; and how the browser carries a pushed
// or signed request through sign-in and consent without dropping what made it pushed or signed.
import type { Config } from '../config';
import type { Stores } from '../storage/stores';
import { epochSeconds } from '../tokens/access-token';
import type { ClientKeySource } from './client-jwks';
import { OAuthError } from './errors';
import type { RequestParams } from './params';
import { pushRequired, usePushedRequest, type PushedRequestInUse } from './pushed-authorization';
import { requestObjectParams } from './request-object';

/** Without an `iat` in the request object, a sign-in this recent satisfies its prompt=login. */
const RECENT_SIGN_IN_SECONDS = 60;

export interface AuthorizationInput {
  params: RequestParams;
  /** A pushed request in use: consumed once its code is issued or the user denies. */
  pushed: PushedRequestInUse | null;
  /**
   * How the browser carries a pushed or signed request (its request_uri, or the request object itself), and since
   * when a sign-in satisfies its prompt=login, which the carried request cannot drop. Null for a plain request.
   */
  carried: { query: string; signedInSince: number } | null;
}

export async function authorizationRequestInput(
  sent: RequestParams,
  context: { stores: Stores; config: Config; issuer: string; clientKeys: ClientKeySource },
): Promise<AuthorizationInput> {
  const fromPush = await usePushedRequest(sent, context.stores);
  if (fromPush) {
    const { requestUri, firstUsedAt } = fromPush.pushed;
    const query = new URLSearchParams({ client_id: sent.get('client_id') ?? '', request_uri: requestUri });
    return { ...fromPush, carried: { query: query.toString(), signedInSince: firstUsedAt } };
  }
  const clientId = sent.get('client_id');
  const client = clientId === undefined ? null : await context.stores.clients.findById(clientId);
  // An unknown client is refused by resolveAuthorizationTarget, with the page that explains it.
  if (!client) return { params: sent, pushed: null, carried: null };
  if (pushRequired(client, context.config)) {
    throw new OAuthError(
      'invalid_request',
      'This application must send its authorization request through the pushed authorization request endpoint.',
    );
  }
  const { params, requestObject } = await requestObjectParams(sent, client, context);
  if (!requestObject) return { params, pushed: null, carried: null };
  const query = new URLSearchParams({ client_id: client.id, request: requestObject.jwt });
  const signedInSince = requestObject.issuedAt ?? epochSeconds() - RECENT_SIGN_IN_SECONDS;
  return { params, pushed: null, carried: { query: query.toString(), signedInSince } };
}
