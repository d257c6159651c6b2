// OpenID Connect user claims (OIDC Core §5.1, §5.4): the claims each scope releases, and which of them go to
// userinfo and which to the ID Token. An access token is always issued here, so the claims of the granted scopes are
// returned at userinfo (§5.4); the ID Token carries only the claims the `claims` parameter asks of it (§5.5).
import type { ClaimRequest, RequestedClaims, User } from '../storage/types';

/** The user claims each OpenID scope releases (OIDC Core §5.4), of those this issuer keeps. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: [
    'name',
    'given_name',
    'family_name',
    'nickname',
    'preferred_username',
    'picture',
    'website',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
};

const USER_CLAIMS: readonly string[] = Object.values(SCOPE_CLAIMS).flat();

/** Every claim this issuer may put in an ID Token or a userinfo response (OIDC Discovery `claims_supported`). */
export const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'at_hash',
  'azp',
  ...USER_CLAIMS,
] as const;

/** The user's value of every user claim that has one; a claim without a value is left out (§5.3.2). */
function userClaimValues(user: User): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    nickname: user.nickname,
    preferred_username: user.username,
    picture: user.picture,
    website: user.website,
    zoneinfo: user.zoneinfo,
    locale: user.locale,
    updated_at: user.profileUpdatedAt,
    // A user without an email has nothing to release; email_verified alone would describe no address.
    email: user.email,
    email_verified: user.email === null ? null : user.emailVerified,
  };
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
}

/** The user claims among `names` (unknown names are ignored, §5.5.1), with their values. */
function releasedClaims(user: User, names: Iterable<string>): Record<string, unknown> {
  const values = userClaimValues(user);
  const wanted = new Set(names);
  return Object.fromEntries(Object.entries(values).filter(([name]) => wanted.has(name)));
}

/** The user claims asked for by name in one member of a `claims` request (§5.5), known to this issuer. */
export function requestedUserClaims(requests: Record<string, ClaimRequest> | undefined): string[] {
  return Object.keys(requests ?? {}).filter((name) => USER_CLAIMS.includes(name));
}

/** Userinfo (§5.3.2, §5.4): the claims of the granted scopes and those the `claims` parameter asked of userinfo. */
export function userinfoClaims(
  user: User,
  scopes: readonly string[],
  requested: readonly string[],
): Record<string, unknown> {
  const fromScopes = scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []);
  return releasedClaims(user, [...fromScopes, ...requested]);
}

/** The user claims of an ID Token: only those the `claims` parameter asked of the ID Token (§5.5). */
export function idTokenUserClaims(
  user: User,
  requests: Record<string, ClaimRequest> | undefined,
): Record<string, unknown> {
  return releasedClaims(user, requestedUserClaims(requests));
}

/** The scopes whose consent covers these claims: asking for `name` by name is asking for part of `profile`. */
export function scopesOfClaims(names: readonly string[]): string[] {
  return Object.entries(SCOPE_CLAIMS)
    .filter(([, claims]) => claims.some((claim) => names.includes(claim)))
    .map(([scope]) => scope);
}

/**
 * The request without the user claims of scopes the client may not ask for: the `claims` parameter must not release
 * by name what the client's registered scopes withhold (`name` needs a client allowed `profile`).
 */
export function claimsWithinScopes(claims: RequestedClaims, clientScopes: readonly string[]): RequestedClaims {
  const allowed = (requests: Record<string, ClaimRequest> | undefined) =>
    requests &&
    Object.fromEntries(
      Object.entries(requests).filter(([name]) =>
        scopesOfClaims([name]).every((scope) => clientScopes.includes(scope)),
      ),
    );
  const userinfo = allowed(claims.userinfo);
  const idToken = allowed(claims.idToken);
  return { ...(userinfo ? { userinfo } : {}), ...(idToken ? { idToken } : {}) };
}
