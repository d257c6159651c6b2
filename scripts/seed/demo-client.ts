// The demo confidential client `demo-service`: client_credentials with scopes read and write, its secret kept in
// .dev.vars (DEMO_CLIENT_SECRET) so it stays the same across restarts; only its hash is stored, as for any client.
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { ensureSeededClient } from './seeded-client';
import type { Seed } from './types';

export const DEMO_CLIENT_ID = 'demo-service';

export const demoClientSeed: Seed = {
  name: 'demo client',
  devVars: { DEMO_CLIENT_SECRET: () => generateOpaqueToken() },
  async run(context) {
    const secret = context.devVars.DEMO_CLIENT_SECRET!;
    await ensureSeededClient(
      context,
      {
        id: DEMO_CLIENT_ID,
        name: 'Demo service',
        type: 'confidential',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: [],
        grantTypes: ['client_credentials'],
        responseTypes: [],
        allowedOrigins: [],
        scopes: ['read', 'write'],
        metadata: {},
      },
      secret,
    );
    return describeDemoClient(context.issuer, secret);
  },
};

function describeDemoClient(issuer: string, secret: string): string[] {
  const tokenRequest = `curl -s -u '${DEMO_CLIENT_ID}:${secret}' -d grant_type=client_credentials -d 'scope=read write' ${issuer}/oauth/token`;
  return [
    'Demo confidential client (client_credentials; scopes read write):',
    `  client_id:     ${DEMO_CLIENT_ID}`,
    `  client_secret: ${secret}`,
    '',
    'Get an access token:',
    `  ${tokenRequest}`,
    '',
    'Call the sample API with it:',
    `  TOKEN=$(${tokenRequest} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${issuer}/api/unicorns`,
  ];
}
