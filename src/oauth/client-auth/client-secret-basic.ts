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
    decoded = utf8OfBinary(atob(encoded));
  } catch {
    throw malformed('the Basic credentials are not valid base64');
  }
  const separator = decoded.indexOf(':');
  if (separator === -1) throw malformed('the Basic credentials must be client_id:client_secret');
  let clientId: string;
  let secret: string;
  try {
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before being joined.
    clientId = formDecoded(decoded.slice(0, separator));
    secret = formDecoded(decoded.slice(separator + 1));
  } catch {
    throw malformed('the Basic credentials are not valid form encoding');
  }
  if (clientId === '') throw malformed('the Basic credentials have an empty client_id');
  return { clientId, secret };
}

/**
 * atob's output (one char per byte) read as strict UTF-8. Client ids and secrets are printable ASCII almost always,
 * which is its own UTF-8: then the string is the answer, without a byte array and a decoder (docs/performance.md).
 */
function utf8OfBinary(binary: string): string {
  if (PRINTABLE_ASCII.test(binary)) return binary;
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return strictUtf8.decode(bytes);
}

/** Space to tilde; anything else (control characters too) goes through the strict decoder. */
const PRINTABLE_ASCII = /^[ -~]*$/;

/** application/x-www-form-urlencoded decoding of one value; most have nothing to decode. */
function formDecoded(value: string): string {
  return value.includes('%') || value.includes('+') ? decodeURIComponent(value.replaceAll('+', ' ')) : value;
}
