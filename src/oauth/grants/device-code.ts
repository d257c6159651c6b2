// The device_code grant (RFC 8628 §3.4–3.5): the device polls until the user decided. Too-fast polls get slow_down
// and a 5-second longer interval; an approved authorization is redeemed once, atomically, for the code flow's tokens,
// in one D1 round trip.
import { epochSeconds } from '../../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../tokens/opaque';
import { GRANT_ID_BYTES } from '../authorization-code';
import { OAuthError } from '../errors';
import {
  assertActiveUser,
  firstRefreshTokenRow,
  clientTakesRefreshTokens,
  issueTokenSet,
  refreshTokenIsDue,
  type UserGrant,
} from '../issue-tokens';
import { requireParam } from '../params';
import { audienceWithinGrant, knownResources } from '../resource';
import type { Grant } from './types';

/** §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
const SLOW_DOWN_STEP_SECONDS = 5;

export const deviceCodeGrant: Grant = {
  allowsPublicClients: true,
  async handle(context) {
    const { params, client, stores, config, issuer } = context;
    const resources = params.getAll('resource');
    const nowSeconds = epochSeconds();
    const grantId = generateOpaqueToken(GRANT_ID_BYTES);
    const refreshToken = clientTakesRefreshTokens(client) ? generateOpaqueToken() : undefined;
    // One D1 round trip: records a pending poll, or spends an approved authorization and stores the refresh token
    // when every check below passes; it returns the authorization as it was, judged here in order.
    const { authorization, redeemed, user, refreshTokenStored } = await stores.deviceAuthorizations.poll(
      await hashOpaqueToken(requireParam(params, 'device_code')),
      {
        clientId: client.id,
        scopes: [],
        resources,
        knownResources: knownResources(config, issuer),
        slowDownStepSeconds: SLOW_DOWN_STEP_SECONDS,
        grantId,
        refreshToken: await firstRefreshTokenRow(context, refreshToken, nowSeconds),
      },
      nowSeconds,
    );
    // Another client's device code is as good as unknown to this one.
    if (!authorization || authorization.clientId !== client.id) {
      throw new OAuthError('invalid_grant', 'the device code is invalid');
    }
    if (authorization.consumedAt !== null) throw new OAuthError('invalid_grant', 'the device code was already used');
    if (authorization.expiresAt <= nowSeconds) throw new OAuthError('expired_token', 'the device code has expired');
    if (authorization.status === 'denied') throw new OAuthError('access_denied', 'the user denied the request');
    if (authorization.status === 'pending') {
      const tooSoon =
        authorization.lastPolledAt !== null &&
        nowSeconds - authorization.lastPolledAt < authorization.pollIntervalSeconds;
      const interval = authorization.pollIntervalSeconds + SLOW_DOWN_STEP_SECONDS;
      if (tooSoon) throw new OAuthError('slow_down', `poll at most every ${interval} seconds`);
      throw new OAuthError('authorization_pending', 'the user has not answered yet');
    }
    // Approved, unspent, unexpired and this client's: the batch spent it, unless a concurrent poll did first.
    if (!redeemed) throw new OAuthError('invalid_grant', 'the device code was already used');
    const grant: UserGrant = {
      grantId,
      user: assertActiveUser(user),
      scopes: authorization.scopes,
      audience: audienceWithinGrant(resources, authorization.resources, config, issuer),
      authTime: authorization.authTime,
      amr: authorization.amr,
    };
    // The store made the same checks in SQL; a disagreement is a bug, never a token without its stored refresh token.
    if (refreshTokenIsDue(client, authorization.scopes) !== refreshTokenStored)
      throw new Error('the device-code redemption and its stored refresh token disagree');
    return issueTokenSet(context, grant, refreshTokenStored ? refreshToken : undefined, nowSeconds);
  },
};
