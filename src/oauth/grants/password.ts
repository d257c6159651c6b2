// The resource owner password credentials grant (RFC 6749 §4.3). Legacy: RFC 9700 §2.4 says it MUST NOT be used, as
// the client sees the password and no second factor fits. Offered only to confidential (first-party) clients whose
// registration lists `password`; the token endpoint refuses it to every other client (unauthorized_client).
import { epochSeconds } from '../../tokens/access-token';
import { generateOpaqueToken } from '../../tokens/opaque';
import { signInWithThrottle } from '../../accounts/login-throttle';
import { normalizeUsername } from '../../accounts/username';
import { signInFailedEvent } from '../audit';
import { PASSWORD_AMR } from '../authentication-context';
import { GRANT_ID_BYTES } from '../authorization-code';
import { OAuthError } from '../errors';
import { createRefreshToken, issueTokenSet, refreshTokenIsDue, type UserGrant } from '../issue-tokens';
import { requireParam } from '../params';
import { requestedUserScopes } from '../requested-scope';
import { audienceFor } from '../resource';
import type { Grant } from './types';

export const passwordGrant: Grant = {
  // A public client's id is no secret: anyone could call this with it, and guess passwords in its name.
  allowsPublicClients: false,
  async handle(context) {
    const { params, client, stores, config, issuer } = context;
    const username = requireParam(params, 'username');
    const password = requireParam(params, 'password');
    // Scope and resources first: a malformed request costs no PBKDF2 run and counts as no failed sign-in.
    const scopes = requestedUserScopes(params.get('scope'), client.scopes);
    const resources = [...new Set(params.getAll('resource'))];
    const audience = audienceFor(resources, config, issuer);
    const nowSeconds = epochSeconds();

    // The login page's throttle (per account and per address), so this endpoint is no way around it (§4.3.2).
    const signIn = await signInWithThrottle(stores, username, password, context.clientIp, nowSeconds);
    if (signIn.outcome === 'throttled') {
      context.audit(
        signInFailedEvent(normalizeUsername(username), signIn.lockedNow ? 'locked_now' : 'locked', client.id),
      );
      throw throttled(signIn.retryAfterSeconds);
    }
    if (signIn.outcome === 'second-factor-required') {
      context.audit(signInFailedEvent(normalizeUsername(username), 'second_factor_required', client.id));
      // RFC 9700 §2.4: no second factor fits this grant, and a password alone must not sign in a two-factor account.
      throw new OAuthError(
        'invalid_grant',
        'this account signs in with a second factor, which the password grant cannot ask for; use the authorization code flow',
      );
    }
    if (signIn.outcome === 'wrong-credentials') {
      context.audit(signInFailedEvent(normalizeUsername(username), 'invalid_credentials', client.id));
      // Unknown user, wrong password and disabled account answer alike (§5.2 invalid_grant).
      throw new OAuthError('invalid_grant', 'the username or password is wrong');
    }
    const { user } = signIn;
    await stores.loginThrottles.settle(signIn.settlement);
    context.audit({ type: 'login', userId: user.id, clientId: client.id, details: { via: 'password_grant' } });

    const grant: UserGrant = {
      grantId: generateOpaqueToken(GRANT_ID_BYTES),
      user,
      scopes,
      audience,
      authTime: nowSeconds,
      amr: PASSWORD_AMR,
    };
    const refreshToken = refreshTokenIsDue(client, scopes)
      ? await createRefreshToken(context, grant, { scopes, resources }, nowSeconds)
      : undefined;
    return issueTokenSet(context, grant, refreshToken, nowSeconds);
  },
};

function throttled(retryAfterSeconds: number): OAuthError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new OAuthError(
    'invalid_grant',
    `too many failed sign-in attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    },
  );
}
