// Token revocation (RFC 7009 §2): a refresh token is revoked with its whole family; access tokens are stateless
// JWTs that cannot be revoked and stay valid until they expire. Unknown and invalid tokens are not errors (§2.2).
import type { Config } from '../config';
import type { Stores } from '../storage/stores';
import type { Client } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import type { KeyRing } from '../tokens/keys';
import { hashOpaqueToken } from '../tokens/opaque';
import { VerifyError } from '@portcullis/verify';
import { OAuthError } from './errors';
import { isJwt, issuedAudiences, localVerifier } from './local-verifier';

export interface TokenRequest {
  /** The presented token; token_type_hint is not needed, since a token's form tells its kind. */
  token: string;
  client: Client;
  issuer: string;
  config: Config;
  keys: KeyRing;
  stores: Stores;
}

// §2.1: the server checks the token was issued to the requesting client, and if not, refuses the request and
// says so. RFC 6749 §5.2 names this case: invalid_grant, "issued to another client".
const ANOTHER_CLIENT = () => new OAuthError('invalid_grant', 'the token was issued to another client');

export async function revokeToken(request: TokenRequest): Promise<void> {
  const { token, client, stores } = request;
  if (isJwt(token)) {
    const issuedTo = await accessTokenClientId(request);
    if (issuedTo !== undefined && issuedTo !== client.id) throw ANOTHER_CLIENT();
    return;
  }
  const refreshToken = await stores.refreshTokens.findByHash(await hashOpaqueToken(token));
  if (!refreshToken) return;
  if (refreshToken.clientId !== client.id) throw ANOTHER_CLIENT();
  // §2.1: revoking a refresh token should invalidate the grant; every token of its family goes.
  await stores.refreshTokens.revokeGrant(refreshToken.grantId, epochSeconds());
}

/** The client of a valid access token of this issuer; undefined for anything else (§2.2: not an error). */
async function accessTokenClientId({ token, issuer, config, keys }: TokenRequest): Promise<string | undefined> {
  try {
    return (await localVerifier(keys, issuer, issuedAudiences(config, issuer))(token)).client_id;
  } catch (error) {
    if (error instanceof VerifyError) return undefined;
    throw error;
  }
}
