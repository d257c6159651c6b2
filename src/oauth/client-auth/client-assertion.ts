// What private_key_jwt and client_secret_jwt share (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9): the
// assertion in the form, and its checks: iss = sub = client_id, an `aud` naming only this server, an `exp` soon, a
// `jti` used once, and an algorithm of the method (and the client's registered one). Every failure is just "no".
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
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

/** `valid`, or why not: `key` when no key verified the signature (a refetched key set may), `invalid` otherwise. */
export type AssertionCheck = 'valid' | 'key' | 'invalid';

/** The audiences an assertion may name: this issuer and its endpoints that authenticate clients. */
export function assertionAudiences(issuer: string): string[] {
  return [issuer, `${issuer}/oauth/token`];
}

export async function checkAssertion(
  { assertion }: PresentedAssertion,
  client: Client,
  key: JWTVerifyGetKey | CryptoKey,
  algorithms: readonly string[],
  context: ClientAuthContext,
): Promise<AssertionCheck> {
  const registered = client.metadata.token_endpoint_auth_signing_alg;
  const allowed = typeof registered === 'string' ? algorithms.filter((alg) => alg === registered) : [...algorithms];
  let payload;
  try {
    const verifyOptions = {
      algorithms: allowed,
      issuer: client.id,
      subject: client.id,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    ({ payload } =
      typeof key === 'function'
        ? await jwtVerify(assertion, key, verifyOptions)
        : await jwtVerify(assertion, key, verifyOptions));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'key' : 'invalid';
  }
  // "aud is the issuer identifier or the token endpoint URL, and nothing else": every value must be one of ours.
  const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const accepted = assertionAudiences(context.issuer);
  if (audiences.length === 0 || !audiences.every((audience) => accepted.includes(audience))) return 'invalid';
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) return 'invalid';
  if (typeof payload.jti !== 'string' || payload.jti.length > MAX_JTI_CHARS) return 'invalid';
  // RFC 7523 §3 item 7: the jti is recorded only for a verified assertion, so forgeries cannot burn it.
  return (await context.assertionJtis.useOnce(client.id, payload.jti, payload.exp!)) ? 'valid' : 'invalid';
}
