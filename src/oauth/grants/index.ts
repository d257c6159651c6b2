// The grant registry: grant_type → handler. The token endpoint looks grants up here and nowhere else.
import { clientCredentialsGrant } from './client-credentials';
import type { Grant } from './types';

const GRANTS: Readonly<Record<string, Grant>> = {
  client_credentials: clientCredentialsGrant,
};

export const SUPPORTED_GRANT_TYPES = Object.keys(GRANTS);

export function grantFor(grantType: string): Grant | undefined {
  return Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
}
