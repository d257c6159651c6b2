// The access token of every grant and the successful token response around it (RFC 6749 §5.1, RFC 9068). Every
// grant goes through here, so a new token type (DPoP, RFC 9449: `token_type` DPoP and a `cnf` claim) changes one file.
import { issueAccessToken, type IssuedAccessToken } from '../tokens/access-token';
import type { GrantContext } from './grants/types';

/** RFC 6750 bearer tokens; introspection reports the same type (RFC 7662 §2.2). */
export const ACCESS_TOKEN_TYPE = 'Bearer';

export interface TokenResponse {
  access_token: string;
  token_type: typeof ACCESS_TOKEN_TYPE;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface AccessTokenSubject {
  /** The user, or the client itself for client_credentials (RFC 9068 §2.2). */
  subject: string;
  audience: string | string[];
  scopes: string[];
  claims?: Record<string, unknown>;
}

/** Signs the access token of this grant for the authenticated client, with the configured lifetime. */
export function issueGrantAccessToken(
  context: GrantContext,
  token: AccessTokenSubject,
  nowSeconds?: number,
): Promise<IssuedAccessToken> {
  const { issuer, client, config, keys } = context;
  return issueAccessToken(
    { ...token, issuer, clientId: client.id, ttlSeconds: config.accessTokenTtlSeconds },
    keys.primary,
    nowSeconds,
  );
}

export function tokenResponse(
  accessToken: IssuedAccessToken,
  scopes: readonly string[],
  extras: { refreshToken?: string; idToken?: string } = {},
): TokenResponse {
  return {
    access_token: accessToken.token,
    token_type: ACCESS_TOKEN_TYPE,
    expires_in: accessToken.expiresIn,
    scope: scopes.join(' '),
    ...(extras.refreshToken === undefined ? {} : { refresh_token: extras.refreshToken }),
    ...(extras.idToken === undefined ? {} : { id_token: extras.idToken }),
  };
}
