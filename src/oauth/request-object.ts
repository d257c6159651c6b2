// Request objects (RFC 9101, JAR): the `request` parameter, a JWT the client signed with a key it registered; once
// verified, only its claims are the request (§6.3), and anything else sent alongside is ignored. Unsigned objects
// are refused (invalid_request_object), as is a request without one from a client that registered
// require_signed_request_object.
import { decodeProtectedHeader } from 'jose';
import type { Client } from '../storage/types';
import { verifyClientSignedJwt, type ClientKeySource } from './client-jwks';
import { ASYMMETRIC_SIGNING_ALGORITHMS } from './client-key-metadata';
import { OAuthError } from './errors';
import { paramsFromEntries, type RequestParams } from './params';

/** Algorithms of request objects (discovery's request_object_signing_alg_values_supported). */
export const REQUEST_OBJECT_SIGNING_ALGORITHMS = ASYMMETRIC_SIGNING_ALGORITHMS;
const CLOCK_TOLERANCE_SECONDS = 30;
/** JWT claims that say something about the object, not about the authorization request (RFC 9101 §4). */
const ENVELOPE_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub']);

export interface RequestObjectInput {
  /** The request object's claims when there is one, else the parameters as sent. */
  params: RequestParams;
  /** The verified object, and its `iat` (null without one); null when the request had none. */
  requestObject: { jwt: string; issuedAt: number | null } | null;
}

/** The authorization request's parameters, from its request object when there is one. */
export async function requestObjectParams(
  params: RequestParams,
  client: Client,
  context: { issuer: string; clientKeys: ClientKeySource },
): Promise<RequestObjectInput> {
  const requestObject = params.get('request');
  if (requestObject === undefined) {
    if (client.metadata.require_signed_request_object === true) {
      throw new OAuthError(
        'invalid_request',
        'this client must send its authorization request as a signed request object',
      );
    }
    return { params, requestObject: null };
  }
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(requestObject).alg;
  } catch {
    throw new OAuthError('invalid_request_object', 'the request object is not a JWT');
  }
  if (alg === undefined || alg === 'none') {
    throw new OAuthError('invalid_request_object', 'the request object must be signed');
  }
  const registered = client.metadata.request_object_signing_alg;
  const payload = await verifyClientSignedJwt(requestObject, client, context.clientKeys, {
    algorithms: typeof registered === 'string' ? [registered] : REQUEST_OBJECT_SIGNING_ALGORITHMS,
    // §4: iss is the client, aud this server.
    issuer: client.id,
    audience: context.issuer,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  });
  if (payload === null) {
    throw new OAuthError(
      'invalid_request_object',
      'the request object is not signed by a key of this client for this server',
    );
  }
  // §5: the client_id inside, when there, must be the one the request was sent with.
  if (payload.client_id !== undefined && payload.client_id !== client.id) {
    throw new OAuthError('invalid_request_object', 'the request object is for another client');
  }
  const entries: Array<[string, string]> = [['client_id', client.id]];
  for (const [name, value] of Object.entries(payload)) {
    if (ENVELOPE_CLAIMS.has(name) || name === 'client_id') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      entries.push([name, typeof item === 'string' ? item : JSON.stringify(item)]);
    }
  }
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : null;
  return { params: paramsFromEntries(entries), requestObject: { jwt: requestObject, issuedAt } };
}
