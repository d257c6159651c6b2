// workers-oauth-provider (@cloudflare/workers-oauth-provider) as a bench peer, in workerd like Portcullis: its
// one-Worker OAuthProvider with KV storage (OAUTH_KV), metered like Portcullis's D1 (storage-meter.ts). Its
// /authorize grants every request at once (the bench signs no one in), so the bench gets codes, exchanges them and
// rotates the refresh tokens, as a client would; POST /bench/client registers the bench's confidential client.
import { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { metered } from './storage-meter';

type Env = {
  OAUTH_KV: KVNamespace;
  ISSUER: string;
  OAUTH_PROVIDER: import('@cloudflare/workers-oauth-provider').OAuthHelpers;
};

const USER_ID = 'bench-user';

const provider = new OAuthProvider<Env>({
  apiRoute: '/api/',
  apiHandler: { fetch: () => new Response('ok') },
  defaultHandler: {
    async fetch(request, env) {
      const { pathname } = new URL(request.url);
      if (pathname === '/bench/client' && request.method === 'POST') {
        const { redirect_uri } = (await request.json()) as { redirect_uri: string };
        const client = await env.OAUTH_PROVIDER.createClient({
          redirectUris: [redirect_uri],
          tokenEndpointAuthMethod: 'client_secret_basic',
          grantTypes: ['authorization_code', 'refresh_token'],
          responseTypes: ['code'],
          clientName: 'bench',
        });
        return Response.json({ clientId: client.clientId, secret: client.clientSecret });
      }
      if (pathname === '/authorize') {
        const authRequest = await env.OAUTH_PROVIDER.parseAuthRequest(request);
        const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
          request: authRequest,
          userId: USER_ID,
          metadata: {},
          scope: authRequest.scope,
          props: { userId: USER_ID },
          // Every bench grant is its own family, as each Portcullis refresh token of the bench is.
          revokeExistingGrants: false,
        });
        return Response.redirect(redirectTo, 302);
      }
      return new Response('not found', { status: 404 });
    },
  },
  authorizeEndpoint: '/authorize',
  tokenEndpoint: '/token',
  scopesSupported: ['read', 'write', 'offline_access'],
  resourceMetadata: { resource: 'http://127.0.0.1/api/', authorization_servers: ['http://127.0.0.1/'] },
});

export default metered<Env & Record<string, unknown>>(provider as ExportedHandler<Env & Record<string, unknown>>, [
  'OAUTH_KV',
]);
