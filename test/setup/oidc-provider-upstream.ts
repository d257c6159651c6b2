// node-oidc-provider as the real upstream of the federation tests, on a loopback port in this Node process: its
// in-memory adapter, its own development login and consent pages (any login name is an account: `sub` is the name
// typed), ES256 ID Tokens, and one confidential client, Portcullis, with the redirect URIs the caller gives.
import { createServer } from 'node:http';
import { Provider } from 'oidc-provider';
import { generateSigningJwk } from '../../src/tokens/generate-key';
import { OIDC_PROVIDER_CLIENT_ID, OIDC_PROVIDER_CLIENT_SECRET } from '../helpers/upstream-clients';

export interface RunningUpstream {
  url: string;
  close(): Promise<void>;
}

/** Starts it on `port` (0: any free one); `redirectUris(issuer)` gives Portcullis's callback URLs. */
export async function startOidcProviderUpstream(
  redirectUris: (issuer: string) => string[],
  port = 0,
): Promise<RunningUpstream> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_PROVIDER_CLIENT_ID,
        client_secret: OIDC_PROVIDER_CLIENT_SECRET,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: redirectUris(issuer),
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [await generateSigningJwk('ES256')] },
    cookies: { keys: ['federation-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, email: `${sub}@upstream.test`, email_verified: true }),
    }),
    // The scopes' claims in the ID Token too (Portcullis names a new user after them; it does not call userinfo).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error:', error));
  server.on('request', provider.callback());
  return {
    url: issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
