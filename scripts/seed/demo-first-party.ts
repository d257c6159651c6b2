// The demo first-party app `demo-first-party`: a confidential client allowed the legacy password grant (RFC 6749
// §4.3, see docs/authorization.md), as in the Django OAuth Toolkit tutorial. Its secret is kept in .dev.vars.
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { DEMO_USERNAME } from './demo-user';
import { ensureSeededClient } from './seeded-client';
import type { Seed } from './types';

export const DEMO_FIRST_PARTY_CLIENT_ID = 'demo-first-party';

export const demoFirstPartySeed: Seed = {
  name: 'demo first-party app',
  devVars: { DEMO_FIRST_PARTY_SECRET: () => generateOpaqueToken() },
  async run(context) {
    const secret = context.devVars.DEMO_FIRST_PARTY_SECRET!;
    await ensureSeededClient(
      context,
      {
        id: DEMO_FIRST_PARTY_CLIENT_ID,
        name: 'Demo first-party app',
        type: 'confidential',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: [],
        grantTypes: ['password', 'refresh_token'],
        responseTypes: [],
        allowedOrigins: [],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'read', 'write'],
        metadata: {},
      },
      secret,
    );
    const password = context.devVars.DEMO_USER_PASSWORD ?? '<DEMO_USER_PASSWORD>';
    return [
      'Demo first-party app (confidential client, legacy password grant, refresh tokens):',
      `  client_id:     ${DEMO_FIRST_PARTY_CLIENT_ID}`,
      `  client_secret: ${secret}`,
      '',
      `Get tokens for ${DEMO_USERNAME} with the password grant:`,
      `  curl -s -u '${DEMO_FIRST_PARTY_CLIENT_ID}:${secret}' -d grant_type=password -d username=${DEMO_USERNAME} -d 'password=${password}' -d 'scope=openid offline_access read' ${context.issuer}/oauth/token`,
    ];
  },
};
