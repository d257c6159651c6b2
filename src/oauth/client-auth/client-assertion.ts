// What private_key_jwt and client_secret_jwt share (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9): the
// assertion in the form, and its checks: iss = sub = client_id, an `aud` naming only this server, an `exp` soon, a
// `jti` used once, and an algorithm of the method (and the client's registered one). Every failure is just "no".
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Client } from '../../storage/types';
import { OAuthError } from '../errors';
import type { ClientAuthContext, ClientAuthRequest } from './types';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** How far ahead an assertion's `exp` may be: they are meant for one request (openid-client uses 60 s). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 5 * 60;
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_JTI_CHARS = 256;

export interface PresentedAssertion {
  assertion: string;
  clientId: string;
}

/** Whether the request carries an assertion at all, and whether its header names an HMAC algorithm. */
export function assertionKind(request: ClientAuthRequest): 'none' | 'hmac' | 'signature' {
  const { params } = request;
  if (params.get('client_assertion') === undefined && params.get('client_assertion_type') === undefined) return 'none';
  try {
    const { alg } = decodeProtectedHeader(params.get('client_assertion') ?? '');
    return alg?.startsWith('HS') ? 'hmac' : 'signature';
  } catch {
    // Malformed: find() says so.
    return 'signature';
  }
}

/** The assertion and the client it names (RFC 7521 §4.2: a client_id sent with it must be the same). */
export function findAssertion(request: ClientAuthRequest): PresentedAssertion {
  const { params } = request;
  if (params.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
    throw new OAuthError('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
  }
  const assertion = params.get('client_assertion');
  if (assertion === undefined) throw new OAuthError('invalid_request', 'client_assertion is required');
  let subject: unknown;
  try {
    subject = decodeJwt(assertion).sub;
  } catch {
    throw new OAuthError('invalid_client', 'client authentication failed');
  }
  if (typeof subject !== 'string' || subject === '') {
    throw new OAuthError('invalid_client', 'client authentication failed');
  }
  const bodyClientId = params.get('client_id');
  if (bodyClientId !== undefined && bodyClientId !== subject) {
    throw new OAuthError('invalid_request', 'client_id does not match the client assertion');
  }
  return { assertion, clientId: subject };
}

/** Verifies the signature with the method's key under these options: the payload, or null. */
export type AssertionVerifier = (assertion: string, options: JWTVerifyOptions) => Promise<JWTPayload | null>;

/** The audiences an assertion may name: the issuer, its token endpoint, and its PAR endpoint (RFC 9126 §2). */
export function assertionAudiences(issuer: string): string[] {
  return [issuer, `${issuer}/oauth/token`, `${issuer}/oauth/par`];
}

export async function checkAssertion(
  { assertion }: PresentedAssertion,
  client: Client,
  verifySignature: AssertionVerifier,
  algorithms: readonly string[],
  context: ClientAuthContext,
): Promise<boolean> {
  const registered = client.metadata.token_endpoint_auth_signing_alg;
  const allowed = typeof registered === 'string' ? algorithms.filter((alg) => alg === registered) : [...algorithms];
  const payload = await verifySignature(assertion, {
    algorithms: allowed,
    issuer: client.id,
    subject: client.id,
    requiredClaims: ['exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  });
  if (payload === null) return false;
  // "aud is the issuer identifier or the token endpoint URL, and nothing else": every value must be one of ours.
  const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const accepted = assertionAudiences(context.issuer);
  if (audiences.length === 0 || !audiences.every((audience) => accepted.includes(audience))) return false;
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) return false;
  if (typeof payload.jti !== 'string' || payload.jti.length > MAX_JTI_CHARS) return false;
  // RFC 7523 §3 item 7: the jti is recorded only for a verified assertion, so forgeries cannot burn it.
  return context.assertionJtis.useOnce(client.id, payload.jti, payload.exp!);
}
