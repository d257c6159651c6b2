// The demo confidential client `demo-service`: client_credentials with scopes read and write, its secret kept in
// .dev.vars (DEMO_CLIENT_SECRET) so it stays the same across restarts; only its hash is stored, as for any client.
import { eq } from 'drizzle-orm';
import { clients } from '../../src/storage/schema';
import { epochSeconds } from '../../src/tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/tokens/opaque';
import type { Seed } from './types';

export const DEMO_CLIENT_ID = 'demo-service';

export const demoClientSeed: Seed = {
  name: 'demo client',
  devVars: { DEMO_CLIENT_SECRET: () => generateOpaqueToken() },
  async run({ stores, db, issuer, devVars }) {
    const secret = devVars.DEMO_CLIENT_SECRET!;
    const secretHash = await hashOpaqueToken(secret);
    const existing = await stores.clients.findById(DEMO_CLIENT_ID);
    const now = epochSeconds();
    if (!existing) {
      await stores.clients.create({
        id: DEMO_CLIENT_ID,
        name: 'Demo service',
        type: 'confidential',
        secretHash,
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: [],
        grantTypes: ['client_credentials'],
        responseTypes: [],
        allowedOrigins: [],
        scopes: ['read', 'write'],
        metadata: {},
        registrationTokenHash: null,
        registrant: null,
        ownerUserId: null,
        createdAt: now,
        updatedAt: now,
      });
    } else if (existing.secretHash !== secretHash) {
      // DEMO_CLIENT_SECRET was edited in .dev.vars: the row follows it. (A plain comparison of two hashes of our
      // own secret: nothing here is attacker-timed, and Node has no crypto.subtle.timingSafeEqual.)
      await db.update(clients).set({ secretHash, updatedAt: now }).where(eq(clients.id, DEMO_CLIENT_ID));
    }
    return describeDemoClient(issuer, secret);
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
