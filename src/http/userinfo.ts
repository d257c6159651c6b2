// GET/POST /oauth/userinfo (OIDC Core §5.3): the claims of the user an access token was issued to, by its scopes and
// its `claims` request, as JSON or, for a client that registered userinfo_signed_response_alg, as a signed JWT
// (§5.3.2). The token is verified locally with @portcullis/verify and answered per RFC 6750 §3; unlike a resource
// server, this endpoint also refuses the tokens of a revoked grant. DPoP-bound tokens come with their proofs
// (RFC 9449 §7), whose jti is claimed in D1 like at the token endpoint.
import { Hono } from 'hono';
import type { Config } from '../config';
import { userinfoClaims } from '../oauth/claims';
import { GRANT_ID_CLAIM, USERINFO_CLAIMS_CLAIM } from '../oauth/issue-tokens';
import { dpopNonces } from '../oauth/dpop';
import { localVerifier } from '../oauth/local-verifier';
import { defaultAudienceFor } from '../oauth/resource';
import type { Stores } from '../storage/stores';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import type { KeyRing } from '../tokens/keys';
import { SIGNED_USERINFO_CONTENT_TYPE, signUserinfo, userinfoSigningKey } from '../tokens/signed-userinfo';
import { type AccessTokenClaims, scopesOf, VerifyError, type Verifier } from '@portcullis/verify';
import { bearerErrorResponse, verifyAccessToken } from '@portcullis/verify/hono';
import type { AppEnv } from './context';
import { noStore } from './middleware/no-store';

/**
 * Userinfo accepts tokens for its own URL (listed in RESOURCES by a deployment that wants tokens only for it) or
 * for the default audience, which every OIDC token without a `resource` parameter gets.
 */
function userinfoVerifier(issuer: string, config: Config, keys: KeyRing): Verifier {
  return localVerifier(keys, issuer, [`${issuer}/oauth/userinfo`, defaultAudienceFor(config, issuer)], {
    algorithms: config.dpop.algorithms,
    nonces: dpopNonces(config),
  });
}

export const userinfoEndpoint = new Hono<AppEnv>().on(
  ['GET', 'POST'],
  '/',
  noStore(),
  // OIDC Core §5.3.1: the token must have been issued for an OpenID request (403 insufficient_scope otherwise).
  verifyAccessToken<AppEnv>({
    verifierFor: (c) => userinfoVerifier(c.get('issuer'), c.get('config'), c.get('keys')),
    replayStoreFor: (c) => c.get('stores').dpopProofs,
    scopes: ['openid'],
  }),
  async (c) => {
    const token = c.get('accessToken');
    const { user, revoked } = await userOf(c.get('stores'), token);
    if (revoked)
      return bearerErrorResponse(invalidToken('the grant of this access token was revoked'), c.get('bearerChallenge'));
    if (!user || user.disabled)
      return bearerErrorResponse(
        invalidToken('the user of this access token no longer exists or is disabled'),
        c.get('bearerChallenge'),
      );
    const body = { sub: user.id, ...userinfoClaims(user, scopesOf(token), stringList(token[USERINFO_CLAIMS_CLAIM])) };
    const client = await c.get('stores').clients.findById(token.client_id);
    const key = client && userinfoSigningKey(c.get('keys'), client.metadata.userinfo_signed_response_alg);
    if (!key) return c.json(body);
    const jwt = await signUserinfo(body, { issuer: c.get('issuer'), clientId: token.client_id }, key, epochSeconds());
    return c.body(jwt, 200, { 'Content-Type': SIGNED_USERINFO_CONTENT_TYPE });
  },
);

/** The token's user, and whether its grant was revoked since (both looked up at once). */
async function userOf(stores: Stores, token: AccessTokenClaims): Promise<{ user: User | null; revoked: boolean }> {
  const grantId = token[GRANT_ID_CLAIM];
  const [user, revoked] = await Promise.all([
    // A replica's lag is harmless here: the token itself stays valid for its lifetime (docs/operations.md).
    stores.replicaUsers.findById(token.sub),
    typeof grantId === 'string' ? stores.revokedGrants.isRevoked(grantId) : false,
  ]);
  return { user, revoked };
}

function invalidToken(description: string): VerifyError {
  return new VerifyError('ERR_CLAIM_INVALID', description, { claim: 'sub' });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
