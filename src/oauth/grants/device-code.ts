// The device_code grant (RFC 8628 §3.4–3.5): the device polls until the user decided. Too-fast polls get slow_down
// and a 5-second longer interval; an approved authorization is redeemed once, atomically, for the code flow's tokens.
import { epochSeconds } from '../../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../tokens/opaque';
import { GRANT_ID_BYTES } from '../authorization-code';
import { OAuthError } from '../errors';
import {
  assertActiveUser,
  createRefreshToken,
  issueTokenSet,
  refreshTokenIsDue,
  type UserGrant,
} from '../issue-tokens';
import { requireParam } from '../params';
import { audienceWithinGrant } from '../resource';
import type { Grant } from './types';

/** §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
const SLOW_DOWN_STEP_SECONDS = 5;

export const deviceCodeGrant: Grant = {
  allowsPublicClients: true,
  async handle(context) {
    const { params, client, stores, config, issuer } = context;
    const deviceCodeHash = await hashOpaqueToken(requireParam(params, 'device_code'));
    const nowSeconds = epochSeconds();
    const authorization = await stores.deviceAuthorizations.findByDeviceCode(deviceCodeHash);
    // Another client's device code is as good as unknown to this one.
    if (!authorization || authorization.clientId !== client.id) {
      throw new OAuthError('invalid_grant', 'the device code is invalid');
    }
    if (authorization.consumedAt !== null) throw new OAuthError('invalid_grant', 'the device code was already used');
    if (authorization.expiresAt <= nowSeconds) throw new OAuthError('expired_token', 'the device code has expired');
    if (authorization.status === 'denied') throw new OAuthError('access_denied', 'the user denied the request');

    const tooSoon =
      authorization.lastPolledAt !== null &&
      nowSeconds - authorization.lastPolledAt < authorization.pollIntervalSeconds;
    const interval = authorization.pollIntervalSeconds + (tooSoon ? SLOW_DOWN_STEP_SECONDS : 0);
    if (authorization.status === 'pending') {
      await stores.deviceAuthorizations.recordPoll(deviceCodeHash, nowSeconds, interval);
      if (tooSoon) throw new OAuthError('slow_down', `poll at most every ${interval} seconds`);
      throw new OAuthError('authorization_pending', 'the user has not answered yet');
    }

    const redeemed = await stores.deviceAuthorizations.consume(deviceCodeHash, nowSeconds);
    if (!redeemed) throw new OAuthError('invalid_grant', 'the device code was already used');
    const user = assertActiveUser(redeemed.userId === null ? null : await stores.users.findById(redeemed.userId));
    const grant: UserGrant = {
      grantId: generateOpaqueToken(GRANT_ID_BYTES),
      user,
      scopes: redeemed.scopes,
      audience: audienceWithinGrant(params.getAll('resource'), redeemed.resources, config, issuer),
      authTime: redeemed.authTime,
      amr: redeemed.amr,
    };
    const refreshToken = refreshTokenIsDue(client, redeemed.scopes)
      ? await createRefreshToken(context, grant, { scopes: redeemed.scopes, resources: redeemed.resources }, nowSeconds)
      : undefined;
    return issueTokenSet(context, grant, refreshToken, nowSeconds);
  },
};
