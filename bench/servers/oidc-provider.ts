// node-oidc-provider on Node, as issue 5 measures it: its in-memory adapter, one confidential client allowed
// client_credentials with client_secret_basic, and ES256 JWT access tokens (RFC 9068) through its resource
// indicators feature. Run by bench/lib/oidc-provider.ts as its own process, so its CPU time is its own.
// Usage: node --import tsx bench/servers/oidc-provider.ts <port> <client_id> <client_secret>
import { Provider } from 'oidc-provider';
import { generateSigningJwk } from '../../src/tokens/generate-key';

const [port, clientId, clientSecret] = process.argv.slice(2);
if (!port || !clientId || !clientSecret) throw new Error('usage: oidc-provider.ts <port> <client_id> <client_secret>');

const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api`;
const SCOPE = 'read write';
const ACCESS_TOKEN_TTL_SECONDS = 900;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPE,
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [await generateSigningJwk('ES256')] },
  scopes: SCOPE.split(' '),
  ttl: { ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Without a `resource` parameter the token is for the sample API, as Portcullis's default audience is.
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPE,
        audience,
        accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error:', error));
provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
