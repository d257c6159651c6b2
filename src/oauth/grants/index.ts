// The grant registry: grant_type → handler. The token endpoint looks grants up here and nowhere else.
import { authorizationCodeGrant } from './authorization-code';
import { clientCredentialsGrant } from './client-credentials';
import { deviceCodeGrant } from './device-code';
import { passwordGrant } from './password';
import { refreshTokenGrant } from './refresh-token';
import type { Grant } from './types';

const GRANTS: Readonly<Record<string, Grant>> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  // Legacy (RFC 9700 §2.4); only clients registered with it may use it.
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
  // RFC 8628 §3.4.
  'urn:ietf:params:oauth:grant-type:device_code': deviceCodeGrant,
};

export const SUPPORTED_GRANT_TYPES = Object.keys(GRANTS);

export function grantFor(grantType: string): Grant | undefined {
  return Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
}
