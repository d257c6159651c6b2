// The token set of a user's grant (RFC 6749 §5.1, OIDC Core §3.1.3.3): an RFC 9068 access token, a rotating
// refresh token when one is due, and an ID Token when `openid` is in scope. Shared by every user-facing grant.
import type { Client, RefreshTokenScopeRule, RequestedClaims, User } from '../storage/types';
import { idTokenSigningKey, issueIdToken } from '../tokens/id-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import { authenticationClaims } from './authentication-context';
import { idTokenUserClaims, requestedUserClaims } from './claims';
import { OAuthError } from './errors';
import type { GrantContext } from './grants/types';
import { issueGrantAccessToken, tokenResponse, type TokenResponse } from './token-response';

export interface UserGrant {
  grantId: string;
  user: User;
  /** The scopes of this access token (a refresh may narrow them). */
  scopes: string[];
  audience: string | string[];
  /** When the user authenticated (OIDC `auth_time`); null only for a grant stored without it. */
  authTime: number | null;
  /** How the user signed in (OIDC `amr`); null: a grant stored before methods were recorded (a password). */
  amr: readonly string[] | null;
  /** Only from an authorization request (OIDC Core §3.1.3.6); never on refresh (§12.2). */
  nonce?: string;
  /** The `claims` request of the authorization (OIDC Core §5.5), kept by its refresh token family. */
  claims?: RequestedClaims | null | undefined;
}

/**
 * Private claims of this issuer's access tokens (RFC 9068 §2.2.3), read only by its own endpoints: the grant, so
 * userinfo and introspection can refuse the token of a revoked grant, and the user claims the `claims` parameter asked
 * userinfo for by name. Resource servers may ignore both.
 */
export const GRANT_ID_CLAIM = 'grant_id';
export const USERINFO_CLAIMS_CLAIM = 'userinfo_claims';

/** OIDC Core §11: OpenID requests get a refresh token only when `offline_access` was granted; OAuth ones always. */
export const REFRESH_TOKEN_SCOPE_RULE: RefreshTokenScopeRule = { grantedBy: 'offline_access', withheldBy: 'openid' };

/** Whether this client may hold refresh tokens at all (its registration lists the refresh_token grant). */
export function clientTakesRefreshTokens(client: Client): boolean {
  return client.grantTypes.includes('refresh_token');
}

/** Whether a refresh token is due: the client takes them and the scope earns one (REFRESH_TOKEN_SCOPE_RULE). */
export function refreshTokenIsDue(client: Client, scopes: readonly string[]): boolean {
  const { grantedBy, withheldBy } = REFRESH_TOKEN_SCOPE_RULE;
  return clientTakesRefreshTokens(client) && (scopes.includes(grantedBy) || !scopes.includes(withheldBy));
}

/** When a new family's first token expires: idle lifetime from now, absolute lifetime from now. */
export function newFamilyExpiry(
  context: GrantContext,
  nowSeconds: number,
): { expiresAt: number; grantExpiresAt: number } {
  const grantExpiresAt = nowSeconds + context.config.refreshTokenAbsoluteTtlSeconds;
  return {
    expiresAt: Math.min(nowSeconds + context.config.refreshTokenIdleTtlSeconds, grantExpiresAt),
    grantExpiresAt,
  };
}

/** The user a grant was issued to, if they may still receive tokens; else the grant is dead (invalid_grant). */
export function assertActiveUser(user: User | null): User {
  if (!user || user.disabled)
    throw new OAuthError('invalid_grant', 'the user of this grant no longer exists or is disabled');
  return user;
}

/**
 * RFC 9449 §5.0: the DPoP key a new refresh token is bound to. A public client's is bound to its proof's key; a
 * confidential client's is bound to its credentials already, and may move to a new key.
 */
function refreshTokenBinding(context: GrantContext): string | null {
  return context.client.tokenEndpointAuthMethod === 'none' ? (context.dpopJkt ?? null) : null;
}

/**
 * The first refresh token of a new family as a store's batch inserts it (the code exchange, the device grant): its
 * hash, lifetimes, the scope rule that says whether one is due, and its DPoP binding. Null when none is issued.
 */
export async function firstRefreshTokenRow(
  context: GrantContext,
  refreshToken: string | undefined,
  nowSeconds: number,
) {
  if (refreshToken === undefined) return null;
  return {
    tokenHash: await hashOpaqueToken(refreshToken),
    ...newFamilyExpiry(context, nowSeconds),
    scopeRule: REFRESH_TOKEN_SCOPE_RULE,
    dpopJkt: refreshTokenBinding(context),
  };
}

/** Stores the first refresh token of a new family (one D1 write) and returns it. */
export async function createRefreshToken(
  context: GrantContext,
  grant: UserGrant,
  family: { scopes: string[]; resources: string[] },
  nowSeconds: number,
): Promise<string> {
  const token = generateOpaqueToken();
  await context.stores.refreshTokens.create({
    tokenHash: await hashOpaqueToken(token),
    grantId: grant.grantId,
    clientId: context.client.id,
    userId: grant.user.id,
    scopes: family.scopes,
    resources: family.resources,
    claims: grant.claims ?? null,
    authTime: grant.authTime,
    amr: grant.amr === null ? null : [...grant.amr],
    createdAt: nowSeconds,
    ...newFamilyExpiry(context, nowSeconds),
    rotatedAt: null,
    revokedAt: null,
    dpopJkt: refreshTokenBinding(context),
  });
  return token;
}

/** Signs the access token (and the ID Token when `openid` is in scope); a refresh token is already stored. */
export async function issueTokenSet(
  context: GrantContext,
  grant: UserGrant,
  refreshToken: string | undefined,
  nowSeconds: number,
): Promise<TokenResponse> {
  const { issuer, config, keys, client } = context;
  const accessToken = await issueGrantAccessToken(
    context,
    {
      subject: grant.user.id,
      audience: grant.audience,
      scopes: grant.scopes,
      claims: accessTokenClaims(grant),
    },
    nowSeconds,
  );
  const idToken = grant.scopes.includes('openid')
    ? await issueIdToken(
        {
          issuer,
          subject: grant.user.id,
          clientId: client.id,
          authTime: grant.authTime,
          nonce: grant.nonce,
          accessToken: accessToken.token,
          ttlSeconds: config.accessTokenTtlSeconds,
          claims: { ...idTokenUserClaims(grant.user, grant.claims?.idToken), ...authenticationClaims(grant.amr) },
        },
        idTokenSigningKey(keys, client.metadata.id_token_signed_response_alg),
        nowSeconds,
      )
    : undefined;
  return tokenResponse(accessToken, grant.scopes, { refreshToken, idToken });
}

/** The user-authentication claims of RFC 9068 §2.2.1 and this issuer's private ones. */
function accessTokenClaims(grant: UserGrant): Record<string, unknown> {
  const userinfoClaims = requestedUserClaims(grant.claims?.userinfo);
  return {
    ...(grant.authTime === null ? {} : { auth_time: grant.authTime }),
    ...authenticationClaims(grant.amr),
    [GRANT_ID_CLAIM]: grant.grantId,
    ...(userinfoClaims.length === 0 ? {} : { [USERINFO_CLAIMS_CLAIM]: userinfoClaims }),
  };
}
