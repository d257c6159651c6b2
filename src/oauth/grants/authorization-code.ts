// The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3.2): redeem a code once, for the
// client it was issued to, with the same redirect URI, the PKCE verifier of its challenge and, for a code bound
// with `dpop_jkt`, a DPoP proof of that key (RFC 9449 §10).
import type { AuthorizationCode, Client } from '../../storage/types';
import { epochSeconds } from '../../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../tokens/opaque';
import { requireBoundKey } from '../dpop';
import { OAuthError } from '../errors';
import {
  assertActiveUser,
  firstRefreshTokenRow,
  clientTakesRefreshTokens,
  issueTokenSet,
  refreshTokenIsDue,
} from '../issue-tokens';
import { requireParam } from '../params';
import { challengeOfVerifier, verifyCodeVerifier } from '../pkce';
import { audienceWithinGrant, knownResources } from '../resource';
import type { Grant } from './types';

export const authorizationCodeGrant: Grant = {
  allowsPublicClients: true,
  async handle(context) {
    const { params, client, stores, config, issuer } = context;
    const presentedCode = requireParam(params, 'code');
    const redirectUri = requireParam(params, 'redirect_uri');
    const verifier = params.get('code_verifier');
    const resources = params.getAll('resource');
    const nowSeconds = epochSeconds();
    const refreshToken = clientTakesRefreshTokens(client) ? generateOpaqueToken() : undefined;

    // One D1 round trip spends the code before anything else is judged (so a failed attempt cannot be retried with
    // other values), revokes on a replay, and stores the refresh token only if every check below passes.
    const redemption = await stores.codes.consume(
      await hashOpaqueToken(presentedCode),
      {
        clientId: client.id,
        scopes: [],
        resources,
        knownResources: knownResources(config, issuer),
        dpopJkt: context.dpopJkt ?? null,
        redirectUri,
        verifierChallenge: verifier === undefined ? null : await challengeOfVerifier(verifier),
        allowsNoChallenge: verifier === undefined && client.tokenEndpointAuthMethod !== 'none',
        refreshToken: await firstRefreshTokenRow(context, refreshToken, nowSeconds),
      },
      nowSeconds,
    );
    if (redemption.status === 'unknown') throw new OAuthError('invalid_grant', 'the authorization code is invalid');
    const code = redemption.code;
    if (redemption.status === 'replayed') {
      // RFC 6749 §4.1.2: a code used twice means it leaked; the store revoked the refresh tokens issued from it in its
      // batch. Its access tokens are refused by this issuer's endpoints until the last of them expires (userinfo,
      // introspection): one more write, on this failure path only.
      await stores.revokedGrants.revoke(code.grantId, nowSeconds, nowSeconds + config.accessTokenTtlSeconds);
      throw new OAuthError(
        'invalid_grant',
        'the authorization code was already used; the tokens issued from it are revoked',
      );
    }
    if (code.clientId !== client.id)
      throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
    if (code.expiresAt <= nowSeconds) throw new OAuthError('invalid_grant', 'the authorization code has expired');
    // §4.1.3: identical to the redirect_uri of the authorization request, compared as a string.
    if (redirectUri !== code.redirectUri)
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    await checkCodeVerifier(code, client, verifier);
    requireBoundKey(code.dpopJkt, context.dpopJkt, 'authorization code');
    const user = assertActiveUser(redemption.user);
    const audience = audienceWithinGrant(resources, code.resources, config, issuer);
    // The store made the same checks in SQL; a disagreement is a bug, never a token without its stored refresh token.
    if (refreshTokenIsDue(client, code.scopes) !== redemption.refreshTokenStored)
      throw new Error('the code exchange and its stored refresh token disagree');

    return issueTokenSet(
      context,
      {
        grantId: code.grantId,
        user,
        scopes: code.scopes,
        audience,
        authTime: code.authTime,
        amr: code.amr ?? null,
        nonce: code.nonce ?? undefined,
        claims: code.claims,
      },
      redemption.refreshTokenStored ? refreshToken : undefined,
      nowSeconds,
    );
  },
};

async function checkCodeVerifier(code: AuthorizationCode, client: Client, verifier: string | undefined): Promise<void> {
  if (code.codeChallenge === null) {
    // Public clients are held to PKCE at the authorization endpoint; this is the backstop.
    if (client.tokenEndpointAuthMethod === 'none')
      throw new OAuthError('invalid_grant', 'a public client must use PKCE');
    // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
    if (verifier !== undefined)
      throw new OAuthError(
        'invalid_grant',
        'code_verifier was sent but the authorization request had no code_challenge',
      );
    return;
  }
  if (verifier === undefined)
    throw new OAuthError('invalid_grant', 'code_verifier is required: the authorization request had a code_challenge');
  if (!(await verifyCodeVerifier(verifier, code.codeChallenge))) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
}
