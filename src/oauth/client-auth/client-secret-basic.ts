// client_secret_basic (RFC 6749 §2.3.1): the client id and secret in an HTTP Basic Authorization header.
import { OAuthError } from '../errors';
import { clientSecretMatches } from './client-secret';
import type { ClientAuthMethod, PresentedClientCredentials } from './types';

export const BASIC_CHALLENGE = 'Basic realm="portcullis", charset="UTF-8"';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export const clientSecretBasic: ClientAuthMethod = {
  usesSecret: true,
  challenge: BASIC_CHALLENGE,
  isUsedBy: ({ authorization }) => authorization !== undefined,
  find({ authorization, params }) {
    const { clientId, secret } = parseBasic(authorization ?? '');
    const bodyClientId = params.get('client_id');
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body does not match the Authorization header');
    }
    return credentials(clientId, secret);
  },
};

function credentials(clientId: string, secret: string): PresentedClientCredentials {
  return {
    method: 'client_secret_basic',
    clientId,
    proves: (client) => clientSecretMatches(secret, client),
  };
}

function parseBasic(authorization: string): { clientId: string; secret: string } {
  const malformed = (description: string) =>
    new OAuthError('invalid_client', description, { headers: { 'WWW-Authenticate': BASIC_CHALLENGE } });
  const [scheme, encoded, ...rest] = authorization.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic' || !encoded || rest.length > 0) {
    throw malformed('the Authorization header must use the Basic scheme for client authentication');
  }
  let decoded: string;
  try {
    decoded = strictUtf8.decode(Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0)));
  } catch {
    throw malformed('the Basic credentials are not valid base64');
  }
  const separator = decoded.indexOf(':');
  if (separator === -1) throw malformed('the Basic credentials must be client_id:client_secret');
  let clientId: string;
  let secret: string;
  try {
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before being joined.
    clientId = decodeURIComponent(decoded.slice(0, separator).replaceAll('+', ' '));
    secret = decodeURIComponent(decoded.slice(separator + 1).replaceAll('+', ' '));
  } catch {
    throw malformed('the Basic credentials are not valid form encoding');
  }
  if (clientId === '') throw malformed('the Basic credentials have an empty client_id');
  return { clientId, secret };
}
