// Pushed authorization requests (RFC 9126): the client posts the authorization request to the server first,
// authenticated; it is validated exactly as /oauth/authorize validates it (authorize-request.ts, the same functions)
// and stored; the browser then carries only client_id and the request_uri, which is good until a code is issued.
import type { Config } from '../config';
import type { Stores } from '../storage/stores';
import type { Client } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import {
  authorizationRequestQuery,
  resolveAuthorizationTarget,
  validateAuthorizationRequest,
} from './authorize-request';
import type { ClientKeySource } from './client-jwks';
import { OAuthError } from './errors';
import { paramsFromEntries, withParam, type RequestParams } from './params';
import { requestObjectParams } from './request-object';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** RFC 9126 §2.2: a short lifetime, "between 5 and 600 seconds"; 60 as in its example. */
export const PUSHED_REQUEST_TTL_SECONDS = 60;
/** From its first use, how long the browser may carry the request through sign-in and consent. */
export const PUSHED_REQUEST_INTERACTION_SECONDS = 10 * 60;

export interface PushedAuthorizationResponse {
  request_uri: string;
  expires_in: number;
}

/** A pushed request in use at the authorization endpoint. */
export interface PushedRequestInUse {
  requestUri: string;
  requestUriHash: string;
  /** When the browser first brought it: a sign-in after this satisfies its `prompt=login`. */
  firstUsedAt: number;
}

/** RFC 9126 §2: validates the request for the authenticated client, stores it, answers its request_uri. */
export async function pushAuthorizationRequest(
  sent: RequestParams,
  client: Client,
  context: { stores: Stores; config: Config; issuer: string; clientKeys: ClientKeySource },
): Promise<PushedAuthorizationResponse> {
  // §2.1: "The request_uri authorization request parameter is one exception, and it MUST NOT be provided."
  if (sent.get('request_uri') !== undefined) {
    throw new OAuthError(
      'invalid_request',
      'request_uri must not be sent to the pushed authorization request endpoint',
    );
  }
  // §3: a request object is verified here as at the authorization endpoint, and its claims are the request.
  const { params } = await requestObjectParams(sent, client, context);
  const clientId = params.get('client_id');
  if (clientId !== undefined && clientId !== client.id) {
    throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
  }
  const request = withParam(params, 'client_id', client.id);
  const target = await resolveAuthorizationTarget(request, { findById: async () => client });
  const validated = validateAuthorizationRequest(request, target, context);
  const token = generateOpaqueToken();
  const nowSeconds = epochSeconds();
  await context.stores.pushedRequests.create({
    requestUriHash: await hashOpaqueToken(token),
    clientId: client.id,
    parameters: authorizationRequestQuery(validated),
    createdAt: nowSeconds,
    expiresAt: nowSeconds + PUSHED_REQUEST_TTL_SECONDS,
    firstUsedAt: null,
    consumedAt: null,
  });
  return { request_uri: `${REQUEST_URI_PREFIX}${token}`, expires_in: PUSHED_REQUEST_TTL_SECONDS };
}

/**
 * RFC 9126 §4: the pushed request a request_uri names, for its own client only, unexpired and not yet consumed; its
 * parameters replace every other one of the authorization request. Null when the request has no request_uri.
 */
export async function usePushedRequest(
  params: RequestParams,
  stores: Stores,
): Promise<{ params: RequestParams; pushed: PushedRequestInUse } | null> {
  const requestUri = params.get('request_uri');
  if (requestUri === undefined) return null;
  // RFC 9101 §5.2 request_uri by reference (a URL the server would fetch) is not offered.
  if (!requestUri.startsWith(REQUEST_URI_PREFIX)) {
    throw new OAuthError(
      'request_uri_not_supported',
      'only request_uri values from the pushed authorization endpoint are accepted',
    );
  }
  const clientId = params.get('client_id');
  if (clientId === undefined) throw new OAuthError('invalid_request', 'client_id is required with request_uri');
  const nowSeconds = epochSeconds();
  const requestUriHash = await hashOpaqueToken(requestUri.slice(REQUEST_URI_PREFIX.length));
  const stored = await stores.pushedRequests.use(
    requestUriHash,
    clientId,
    nowSeconds,
    nowSeconds + PUSHED_REQUEST_INTERACTION_SECONDS,
  );
  if (!stored) {
    throw new OAuthError(
      'invalid_request_uri',
      'the request_uri is unknown, expired or already used, or is for another client',
    );
  }
  return {
    params: paramsFromEntries(new URLSearchParams(stored.parameters)),
    pushed: { requestUri, requestUriHash, firstUsedAt: stored.firstUsedAt ?? nowSeconds },
  };
}

/** Ends the pushed request once its outcome (a code, or the user's refusal) is sent. */
export async function consumePushedRequest(stores: Stores, pushed: PushedRequestInUse | null): Promise<void> {
  if (pushed) await stores.pushedRequests.consume(pushed.requestUriHash, epochSeconds());
}

/** RFC 9126 §6: whether this client must push its requests (its own metadata, or the whole server). */
export function pushRequired(client: Client, config: Config): boolean {
  return config.requirePushedAuthorizationRequests || client.metadata.require_pushed_authorization_requests === true;
}
