// The demo single-page app `demo-spa`: a public client of the authorization code flow with PKCE and refresh tokens,
// allowed to call the token endpoint from its origin (CORS). The banner prints a ready authorization URL.
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { DEMO_USERNAME } from './demo-user';
import { ensureSeededClient } from './seeded-client';
import type { Seed } from './types';

export const DEMO_SPA_CLIENT_ID = 'demo-spa';
const SPA_ORIGIN = 'http://localhost:5173';
const REDIRECT_URI = `${SPA_ORIGIN}/callback`;

export const demoSpaSeed: Seed = {
  name: 'demo single-page app',
  async run(context) {
    await ensureSeededClient(
      context,
      {
        id: DEMO_SPA_CLIENT_ID,
        name: 'Demo single-page app',
        type: 'public',
        tokenEndpointAuthMethod: 'none',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        allowedOrigins: [SPA_ORIGIN],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'read', 'write'],
        metadata: { post_logout_redirect_uris: [`${SPA_ORIGIN}/`] },
      },
      null,
    );
    return describeDemoSpa(context.issuer);
  },
};

async function describeDemoSpa(issuer: string): Promise<string[]> {
  // A new PKCE pair each start: the verifier is printed for the token request, the challenge goes in the URL.
  const verifier = generateOpaqueToken();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO_SPA_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access read',
    state: generateOpaqueToken(9),
    nonce: generateOpaqueToken(9),
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
  });
  return [
    'Demo single-page app (public client: authorization code with PKCE, refresh tokens; origin allowed for CORS):',
    `  client_id:    ${DEMO_SPA_CLIENT_ID}`,
    `  redirect_uri: ${REDIRECT_URI}`,
    '',
    `Sign in as ${DEMO_USERNAME} through the code flow: open this URL, allow, and copy \`code\` from the address bar`,
    `(nothing needs to listen on ${SPA_ORIGIN}; the browser shows the redirect even when the page does not load):`,
    `  ${issuer}/oauth/authorize?${query.toString()}`,
    '',
    'Redeem the code within 60 seconds:',
    `  curl -s -d grant_type=authorization_code -d client_id=${DEMO_SPA_CLIENT_ID} -d redirect_uri=${REDIRECT_URI} -d code_verifier=${verifier} -d code=PASTE_CODE ${issuer}/oauth/token`,
  ];
}
