// The access token of every grant and the successful token response around it (RFC 6749 §5.1, RFC 9068). Every
// grant goes through here: a request with a DPoP proof gets `token_type` DPoP and a `cnf.jkt` claim (RFC 9449 §5, §6.1).
import { issueAccessToken, type IssuedAccessToken } from '../tokens/access-token';
import type { GrantContext } from './grants/types';

/** RFC 6750 bearer tokens, or RFC 9449 DPoP-bound ones; introspection reports the same type (RFC 7662 §2.2). */
export type AccessTokenType = 'Bearer' | 'DPoP';

export interface GrantAccessToken extends IssuedAccessToken {
  tokenType: AccessTokenType;
}

export interface TokenResponse {
  access_token: string;
  token_type: AccessTokenType;
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

/** Signs the access token of this grant for the authenticated client, bound to its DPoP key if it sent a proof. */
export async function issueGrantAccessToken(
  context: GrantContext,
  token: AccessTokenSubject,
  nowSeconds?: number,
): Promise<GrantAccessToken> {
  const { issuer, client, config, keys, dpopJkt } = context;
  const claims = dpopJkt === undefined ? token.claims : { ...token.claims, cnf: { jkt: dpopJkt } };
  const issued = await issueAccessToken(
    { ...token, claims, issuer, clientId: client.id, ttlSeconds: config.accessTokenTtlSeconds },
    keys.primary,
    nowSeconds,
  );
  return { ...issued, tokenType: dpopJkt === undefined ? 'Bearer' : 'DPoP' };
}

export function tokenResponse(
  accessToken: GrantAccessToken,
  scopes: readonly string[],
  extras: { refreshToken?: string; idToken?: string } = {},
): TokenResponse {
  return {
    access_token: accessToken.token,
    token_type: accessToken.tokenType,
    expires_in: accessToken.expiresIn,
    scope: scopes.join(' '),
    ...(extras.refreshToken === undefined ? {} : { refresh_token: extras.refreshToken }),
    ...(extras.idToken === undefined ? {} : { id_token: extras.idToken }),
  };
}
