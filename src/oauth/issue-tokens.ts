// The token set of a user's grant (RFC 6749 §5.1, OIDC Core §3.1.3.3): an RFC 9068 access token, a rotating
// refresh token when one is due, and an ID Token when `openid` is in scope. Shared by every user-facing grant.
import type { Client, RefreshToken, RequestedClaims, User } from '../storage/types';
import { idTokenSigningKey, issueIdToken } from '../tokens/id-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import { PASSWORD_AUTHENTICATION } from './authentication-context';
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

/** What the refresh token of this response carries, and how it is stored (a new family, or a rotation). */
export interface RefreshTokenPlan {
  /** The scope of the grant, kept whole on rotation (RFC 6749 §6). */
  scopes: string[];
  resources: string[];
  grantExpiresAt: number;
  store(token: RefreshToken): Promise<void>;
}

/**
 * Whether a refresh token is due: OIDC requests get one only when `offline_access` was granted (OIDC Core §11),
 * plain OAuth requests always; and only for a client that may use the refresh_token grant at all.
 */
export function refreshTokenIsDue(client: Client, scopes: readonly string[]): boolean {
  if (!client.grantTypes.includes('refresh_token')) return false;
  return scopes.includes('offline_access') || !scopes.includes('openid');
}

/** The plan for the first refresh token of a grant: it starts the family and its absolute lifetime. */
export function newRefreshTokenFamily(
  context: GrantContext,
  scopes: string[],
  resources: string[],
  nowSeconds: number,
): RefreshTokenPlan {
  return {
    scopes,
    resources,
    grantExpiresAt: nowSeconds + context.config.refreshTokenAbsoluteTtlSeconds,
    store: (token) => context.stores.refreshTokens.create(token),
  };
}

/** The user a grant was issued to, if they may still receive tokens; else the grant is dead (invalid_grant). */
export async function activeUser(context: GrantContext, userId: string | null): Promise<User> {
  const user = userId === null ? null : await context.stores.users.findById(userId);
  if (!user || user.disabled)
    throw new OAuthError('invalid_grant', 'the user of this grant no longer exists or is disabled');
  return user;
}

export async function issueTokenSet(
  context: GrantContext,
  grant: UserGrant,
  refresh: RefreshTokenPlan | null,
  nowSeconds: number,
): Promise<TokenResponse> {
  const { issuer, config, keys, client } = context;
  // The refresh token is stored first: when storing fails (a lost rotation race), nothing has been signed.
  const refreshToken = refresh === null ? undefined : await storeRefreshToken(context, grant, refresh, nowSeconds);
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
          claims: { ...idTokenUserClaims(grant.user, grant.claims?.idToken), ...PASSWORD_AUTHENTICATION },
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
    ...PASSWORD_AUTHENTICATION,
    [GRANT_ID_CLAIM]: grant.grantId,
    ...(userinfoClaims.length === 0 ? {} : { [USERINFO_CLAIMS_CLAIM]: userinfoClaims }),
  };
}

async function storeRefreshToken(
  context: GrantContext,
  grant: UserGrant,
  plan: RefreshTokenPlan,
  nowSeconds: number,
): Promise<string> {
  const token = generateOpaqueToken();
  await plan.store({
    tokenHash: await hashOpaqueToken(token),
    grantId: grant.grantId,
    clientId: context.client.id,
    userId: grant.user.id,
    scopes: plan.scopes,
    resources: plan.resources,
    claims: grant.claims ?? null,
    authTime: grant.authTime,
    createdAt: nowSeconds,
    expiresAt: Math.min(nowSeconds + context.config.refreshTokenIdleTtlSeconds, plan.grantExpiresAt),
    grantExpiresAt: plan.grantExpiresAt,
    rotatedAt: null,
    revokedAt: null,
  });
  return token;
}
