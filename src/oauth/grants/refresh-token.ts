// The refresh_token grant (RFC 6749 §6) with rotation: every use returns a new refresh token, and presenting a
// rotated one again is taken as theft and revokes the whole family (RFC 9700 §4.14.2), unless its own client
// presents it within the reuse interval: then it gets a sibling refresh token of the same family. A public client's
// token bound to a DPoP key is rotated only with a proof of that key (RFC 9449 §5.0); its successor stays bound.
import type { RefreshToken } from '../../storage/types';
import { epochSeconds } from '../../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../tokens/opaque';
import { requireBoundKey } from '../dpop';
import { OAuthError } from '../errors';
import { assertActiveUser, issueTokenSet } from '../issue-tokens';
import { requireParam } from '../params';
import { refreshTokenState } from '../refresh-token-state';
import { audienceWithinGrant, knownResources } from '../resource';
import { narrowScope, parseScope } from '../scope';
import type { Grant, GrantContext } from './types';

export const refreshTokenGrant: Grant = {
  allowsPublicClients: true,
  async handle(context) {
    const { params, stores, config, issuer, client } = context;
    const tokenHash = await hashOpaqueToken(requireParam(params, 'refresh_token'));
    const requestedScopes = parseScope(params.get('scope'));
    const resources = params.getAll('resource');
    const nowSeconds = epochSeconds();
    const successor = generateOpaqueToken();

    // One D1 round trip: rotates only if every check below would pass, and revokes the family on reuse.
    const rotation = await stores.refreshTokens.rotate(
      tokenHash,
      {
        clientId: client.id,
        scopes: requestedScopes ?? [],
        resources,
        knownResources: knownResources(config, issuer),
        dpopJkt: context.dpopJkt ?? null,
        successorHash: await hashOpaqueToken(successor),
        idleTtlSeconds: config.refreshTokenIdleTtlSeconds,
        reuseIntervalSeconds: config.refreshTokenReuseIntervalSeconds,
      },
      nowSeconds,
    );
    // Judged on the token as it stood before this request, in the order the errors are meant to be reported.
    const token = usableRefreshToken(context, rotation.token, nowSeconds);
    requireBoundKey(token.dpopJkt, context.dpopJkt, 'refresh token');
    // §6: the requested scope may narrow the access token's, never widen it (invalid_scope).
    const scopes = narrowScope(requestedScopes, token.scopes);
    const user = assertActiveUser(rotation.user);
    const audience = audienceWithinGrant(resources, token.resources, config, issuer);
    // The store made the same checks in SQL; a disagreement is a bug, never a token without its stored successor.
    if (!rotation.rotated) throw new Error('the refresh token rotation and its checks disagree');
    // A graced reuse is recorded as one, so an operator sees how often the window is needed.
    if (token.rotatedAt !== null) {
      context.audit({
        type: 'refresh_token_reuse',
        userId: token.userId,
        clientId: token.clientId,
        details: { withinReuseInterval: true },
      });
    }
    return issueTokenSet(
      context,
      {
        grantId: token.grantId,
        user,
        scopes,
        audience,
        authTime: token.authTime,
        amr: token.amr ?? null,
        claims: token.claims,
      },
      successor,
      nowSeconds,
    );
  },
};

/** The token if this client may use it now; otherwise invalid_grant (the store has revoked the family on reuse). */
function usableRefreshToken(context: GrantContext, token: RefreshToken | null, nowSeconds: number): RefreshToken {
  // A token of another client is as good as unknown to this one (RFC 6749 §10.4: bound to its client).
  if (!token || token.clientId !== context.client.id)
    throw new OAuthError('invalid_grant', 'the refresh token is invalid');
  switch (refreshTokenState(token, nowSeconds, context.config.refreshTokenReuseIntervalSeconds)) {
    case 'usable':
    case 'reusable':
      return token;
    case 'rotated':
      // After the reuse interval: the store revoked the family in its batch (RFC 9700 §4.14.2).
      context.audit({
        type: 'refresh_token_reuse',
        outcome: 'failure',
        userId: token.userId,
        clientId: token.clientId,
      });
      throw new OAuthError('invalid_grant', 'the refresh token was already used; every token of its grant is revoked');
    case 'revoked':
      throw new OAuthError('invalid_grant', 'the refresh token has been revoked');
    case 'expired':
      throw new OAuthError('invalid_grant', 'the refresh token has expired');
  }
}
