// GET/POST /oauth/userinfo (OIDC Core §5.3): the claims of the user an access token was issued to, by its scopes.
// The token is verified locally with portcullis/verify, like any resource server, and answered per RFC 6750 §3;
// DPoP-bound tokens come with their proofs (RFC 9449 §7), whose jti is claimed in D1 like at the token endpoint.
import { Hono } from 'hono';
import type { Config } from '../config';
import { userClaims } from '../oauth/claims';
import { dpopNonces } from '../oauth/dpop';
import { localVerifier } from '../oauth/local-verifier';
import { defaultAudienceFor } from '../oauth/resource';
import type { KeyRing } from '../tokens/keys';
import { scopesOf, VerifyError, type Verifier } from '@portcullis/verify';
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
    const claims = c.get('accessToken');
    const user = await c.get('stores').users.findById(claims.sub);
    if (!user || user.disabled) {
      const error = new VerifyError(
        'ERR_CLAIM_INVALID',
        'the user of this access token no longer exists or is disabled',
        { claim: 'sub' },
      );
      return bearerErrorResponse(error, c.get('bearerChallenge'));
    }
    return c.json({ sub: user.id, ...userClaims(user, scopesOf(claims)) });
  },
);
