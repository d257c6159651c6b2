// Extracts the client's credentials from the Authorization header (client_secret_basic, RFC 6749 §2.3.1) or the
// form (client_secret_post, or a bare client_id for public clients) and authenticates the client.
import type { MiddlewareHandler } from 'hono';
import { authenticateClient, BASIC_CHALLENGE, type PresentedClientCredentials } from '../../oauth/client-auth';
import { OAuthError } from '../../oauth/errors';
import type { RequestParams } from '../../oauth/params';
import type { AppEnv } from '../context';
import { decodeUtf8, readForm } from '../form';

export function clientAuth(): MiddlewareHandler<AppEnv> {
  return async function clientAuthMiddleware(c, next) {
    const params = await readForm(c);
    const presented = presentedCredentials(c.req.header('authorization'), params);
    c.set('client', await authenticateClient(presented, c.get('stores').clients));
    await next();
  };
}

export function presentedCredentials(
  authorization: string | undefined,
  params: RequestParams,
): PresentedClientCredentials | undefined {
  const bodyClientId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (authorization !== undefined) {
    if (bodySecret !== undefined) {
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
      throw new OAuthError('invalid_request', 'use either HTTP Basic or client_secret in the body, not both');
    }
    const basic = parseBasic(authorization);
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body does not match the Authorization header');
    }
    return basic;
  }
  if (bodyClientId === undefined) return undefined;
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyClientId, secret: bodySecret };
  return { method: 'none', clientId: bodyClientId };
}

function parseBasic(authorization: string): PresentedClientCredentials {
  const malformed = (description: string) =>
    new OAuthError('invalid_client', description, { headers: { 'WWW-Authenticate': BASIC_CHALLENGE } });
  const [scheme, encoded, ...rest] = authorization.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic' || !encoded || rest.length > 0) {
    throw malformed('the Authorization header must use the Basic scheme for client authentication');
  }
  let decoded: string;
  try {
    decoded = decodeUtf8(Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0)));
  } catch {
    throw malformed('the Basic credentials are not valid base64');
  }
  const separator = decoded.indexOf(':');
  if (separator === -1) throw malformed('the Basic credentials must be client_id:client_secret');
  try {
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before being joined.
    const clientId = decodeURIComponent(decoded.slice(0, separator).replaceAll('+', ' '));
    const secret = decodeURIComponent(decoded.slice(separator + 1).replaceAll('+', ' '));
    if (clientId === '') throw malformed('the Basic credentials have an empty client_id');
    return { method: 'client_secret_basic', clientId, secret };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw malformed('the Basic credentials are not valid form encoding');
  }
}
