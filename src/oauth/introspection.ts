// Token introspection (RFC 7662 §2): access tokens by signature, issuer and expiry (as a resource server would
// check them) and by whether their grant was revoked, refresh tokens by their stored state; anything else, or a token
// this client may not see, is `{active:false}` (§2.2), never an error.
import { epochSeconds } from '../tokens/access-token';
import { hashOpaqueToken } from '../tokens/opaque';
import { boundKeyOf, VerifyError } from '@portcullis/verify';
import { OAuthError } from './errors';
import { GRANT_ID_CLAIM } from './issue-tokens';
import { isJwt, issuedAudiences, localVerifier } from './local-verifier';
import { refreshTokenState } from './refresh-token-state';
import type { TokenRequest } from './revocation';

export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE: IntrospectionResponse = { active: false };

export async function introspectToken(request: TokenRequest): Promise<IntrospectionResponse> {
  // §2.1 requires authorization to prevent token scanning; a public client's client_id proves nothing.
  if (request.client.tokenEndpointAuthMethod === 'none') {
    throw new OAuthError(
      'invalid_client',
      'introspection requires client authentication; public clients may not introspect',
    );
  }
  return isJwt(request.token) ? introspectAccessToken(request) : introspectRefreshToken(request);
}

/**
 * Any confidential client may introspect an access token: resource servers, registered as clients, are who
 * introspection is for (§1), and the JWT already shows its claims to whoever holds it.
 */
async function introspectAccessToken(request: TokenRequest): Promise<IntrospectionResponse> {
  const { token, issuer, config, keys } = request;
  let claims;
  try {
    claims = await localVerifier(keys, issuer, issuedAudiences(config, issuer))(token);
  } catch (error) {
    if (error instanceof VerifyError) return INACTIVE;
    throw error;
  }
  // A token of the client itself (client_credentials) has no user; a user's token dies with the user, and with its
  // grant (a replayed code, a revoked refresh token), which resource servers verifying locally cannot see.
  const grantId = claims[GRANT_ID_CLAIM];
  const [username, revoked] = await Promise.all([
    claims.sub === claims.client_id ? undefined : activeUsername(request, claims.sub),
    typeof grantId === 'string' ? request.stores.revokedGrants.isRevoked(grantId) : false,
  ]);
  if (username === null || revoked) return INACTIVE;
  // RFC 9449 §6.2: a DPoP-bound token is introspected with its type and its confirmation.
  const jkt = boundKeyOf(claims);
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    ...(username === undefined ? {} : { username }),
    token_type: jkt === undefined ? 'Bearer' : 'DPoP',
    ...(jkt === undefined ? {} : { cnf: { jkt } }),
    exp: claims.exp,
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
  };
}

/** Refresh tokens are only ever shown to the client they were issued to (§4: the server decides who sees what). */
async function introspectRefreshToken(request: TokenRequest): Promise<IntrospectionResponse> {
  const { token, client, issuer, stores } = request;
  const refreshToken = await stores.refreshTokens.findByHash(await hashOpaqueToken(token));
  if (
    !refreshToken ||
    refreshToken.clientId !== client.id ||
    refreshTokenState(refreshToken, epochSeconds()) !== 'usable'
  )
    return INACTIVE;
  const username = refreshToken.userId === null ? null : await activeUsername(request, refreshToken.userId);
  if (username === null) return INACTIVE;
  return {
    active: true,
    scope: refreshToken.scopes.join(' '),
    client_id: refreshToken.clientId,
    username,
    exp: refreshToken.expiresAt,
    iat: refreshToken.createdAt,
    sub: refreshToken.userId,
    iss: issuer,
  };
}

/** The username of an enabled user, or null when the user is gone or disabled. */
async function activeUsername({ stores }: TokenRequest, userId: string): Promise<string | null> {
  // A replica's lag is harmless here; the refresh token above is read from the primary (docs/operations.md).
  const user = await stores.replicaUsers.findById(userId);
  return user && !user.disabled ? user.username : null;
}
