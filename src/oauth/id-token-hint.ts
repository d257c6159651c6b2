// id_token_hint (OIDC Core §3.1.2.1, RP-Initiated Logout 1.0 §2): an ID Token this issuer signed with a key of its
// ring, accepted after it expired (a relying party logs out with the token it has), naming a user and a client.
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { KeyRing } from '../tokens/keys';
import { OAuthError } from './errors';

export interface IdTokenHint {
  subject: string;
  /** The client the ID Token was issued to: `azp`, or its single audience. */
  clientId: string;
}

const keySets = new WeakMap<KeyRing, JWTVerifyGetKey>();

export async function verifyIdTokenHint(hint: string, keys: KeyRing, issuer: string): Promise<IdTokenHint> {
  const payload = await verifiedPayload(hint, keys, issuer);
  const audience = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud;
  const clientId = typeof payload.azp === 'string' ? payload.azp : audience;
  if (typeof payload.sub !== 'string' || typeof clientId !== 'string') throw invalidHint();
  return { subject: payload.sub, clientId };
}

async function verifiedPayload(hint: string, keys: KeyRing, issuer: string): Promise<JWTPayload> {
  let keySet = keySets.get(keys);
  if (!keySet) {
    keySet = createLocalJWKSet(keys.publicJwks);
    keySets.set(keys, keySet);
  }
  try {
    // typ JWT: an access token (at+jwt) is not an ID Token, though the same keys sign it.
    return (await jwtVerify(hint, keySet, { issuer, typ: 'JWT', algorithms: keys.algorithms })).payload;
  } catch (error) {
    // jose checks the signature and the issuer before expiry, so an expired token is otherwise genuine.
    if (error instanceof errors.JWTExpired) return error.payload;
    throw invalidHint(error);
  }
}

/**
 * OIDC Core §3.1.2.1: with prompt=none, an id_token_hint naming another user than the signed-in one is answered with
 * login_required; a hint that is not an ID Token of this issuer is invalid_request. Without prompt=none the hint is
 * not needed: the user sees who is signed in on the consent page and may switch accounts there.
 */
export async function assertHintedUserSignedIn(
  hint: string,
  signedInUserId: string,
  keys: KeyRing,
  issuer: string,
): Promise<void> {
  const { subject } = await verifyIdTokenHint(hint, keys, issuer);
  if (subject !== signedInUserId)
    throw new OAuthError('login_required', 'the user of the id_token_hint is not the one signed in');
}

function invalidHint(cause?: unknown): OAuthError {
  return new OAuthError('invalid_request', 'The id_token_hint is not an ID Token from this server.', { cause });
}
