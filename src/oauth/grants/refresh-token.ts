// The refresh_token grant (RFC 6749 §6) with rotation: every use returns a new refresh token, and presenting a
// rotated one again is taken as theft and revokes the whole family (RFC 9700 §4.14.2).
import type { RefreshToken } from '../../storage/types';
import { epochSeconds } from '../../tokens/access-token';
import { hashOpaqueToken } from '../../tokens/opaque';
import { OAuthError } from '../errors';
import { activeUser, issueTokenSet } from '../issue-tokens';
import { requireParam } from '../params';
import { refreshTokenState } from '../refresh-token-state';
import { audienceWithinGrant } from '../resource';
import { narrowScope, parseScope } from '../scope';
import type { Grant, GrantContext } from './types';

export const refreshTokenGrant: Grant = {
  allowsPublicClients: true,
  async handle(context) {
    const { params, stores, config, issuer } = context;
    const tokenHash = await hashOpaqueToken(requireParam(params, 'refresh_token'));
    const nowSeconds = epochSeconds();
    const token = await usableRefreshToken(context, await stores.refreshTokens.findByHash(tokenHash), nowSeconds);

    // §6: the requested scope may narrow the access token's, never widen it (invalid_scope).
    const scopes = narrowScope(parseScope(params.get('scope')), token.scopes);
    const user = await activeUser(context, token.userId);
    const audience = audienceWithinGrant(params.getAll('resource'), token.resources, config, issuer);
    return issueTokenSet(
      context,
      { grantId: token.grantId, user, scopes, audience, authTime: token.authTime, claims: token.claims },
      {
        // §6: the new refresh token keeps the scope of the one it replaces, and the family keeps its end.
        scopes: token.scopes,
        resources: token.resources,
        grantExpiresAt: token.grantExpiresAt,
        async store(successor) {
          if (await stores.refreshTokens.rotate(tokenHash, successor, nowSeconds)) return;
          // Another request rotated it first (or it just expired): judge it again as it now stands.
          await usableRefreshToken(context, await stores.refreshTokens.findByHash(tokenHash), nowSeconds);
          throw new OAuthError('invalid_grant', 'the refresh token is no longer valid');
        },
      },
      nowSeconds,
    );
  },
};

/** The token if this client may use it now; otherwise throws invalid_grant, revoking the family on reuse. */
async function usableRefreshToken(
  context: GrantContext,
  token: RefreshToken | null,
  nowSeconds: number,
): Promise<RefreshToken> {
  // A token of another client is as good as unknown to this one (RFC 6749 §10.4: bound to its client).
  if (!token || token.clientId !== context.client.id)
    throw new OAuthError('invalid_grant', 'the refresh token is invalid');
  switch (refreshTokenState(token, nowSeconds)) {
    case 'usable':
      return token;
    case 'rotated':
      await context.stores.refreshTokens.revokeGrant(token.grantId, nowSeconds);
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
