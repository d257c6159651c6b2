// The Worker peers of the bench, each in its own workerd like Portcullis and with its storage metered: OpenAuth
// (client credentials, JWKS) and workers-oauth-provider (refresh rotation). Also how the bench gets
// workers-oauth-provider refresh tokens: as a client would, through its /authorize and an authorization-code exchange.
import { join } from 'node:path';
import { s256 } from '../../src/oauth/pkce';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { bundlePeer } from './build';
import { withRoundTrips, type Server } from './server';
import { BENCH_CLIENT_ID, BENCH_SCOPE, basicAuthorization, type Credentials } from './seed';
import { readCompatibility, startWorkerd } from './workerd';

export const PEERS = ['openauth', 'workers-oauth-provider'] as const;
const PEER_REDIRECT_URI = 'http://127.0.0.1/callback';

export type PeerServer = Server & { client: Credentials };

export interface PeerOptions {
  viaEntryWorker: boolean;
  storageLatencyMs: number;
}

/** OpenAuth imports Node built-ins (its memory storage, Hono's AWS adapter) and its docs deploy it with this flag. */
function peerCompatibility() {
  const { compatibilityDate, compatibilityFlags } = readCompatibility();
  return { compatibilityDate, compatibilityFlags: [...compatibilityFlags, 'nodejs_compat'] };
}

export function buildPeers(outdir: string): Promise<string[]> {
  return Promise.all(PEERS.map((name) => bundlePeer(name, outdir)));
}

export async function startOpenAuth(scriptPath: string, workDir: string, options: PeerOptions): Promise<PeerServer> {
  const client = { clientId: BENCH_CLIENT_ID, secret: `secret-${crypto.randomUUID()}` };
  const server = await startWorkerd({
    name: 'openauth',
    scriptPath,
    ...peerCompatibility(),
    viaEntryWorker: options.viaEntryWorker,
    bindings: {
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: client.secret,
      BENCH_STORAGE_LATENCY_MS: String(options.storageLatencyMs),
    },
    persistDir: join(workDir, 'state', 'openauth'),
    kvNamespaces: ['KV'],
  });
  return { ...withRoundTrips(server), client };
}

export async function startWorkersOAuthProvider(
  scriptPath: string,
  workDir: string,
  options: PeerOptions,
): Promise<PeerServer> {
  const server = await startWorkerd({
    name: 'workers-oauth-provider',
    scriptPath,
    ...peerCompatibility(),
    viaEntryWorker: options.viaEntryWorker,
    bindings: { BENCH_STORAGE_LATENCY_MS: String(options.storageLatencyMs) },
    persistDir: join(workDir, 'state', 'workers-oauth-provider'),
    kvNamespaces: ['OAUTH_KV'],
  });
  try {
    const response = await fetch(`${server.url}/bench/client`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ redirect_uri: PEER_REDIRECT_URI }),
    });
    if (response.status !== 200) throw new Error(`workers-oauth-provider: no client (${response.status})`);
    return { ...withRoundTrips(server), client: (await response.json()) as Credentials };
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

/** First refresh tokens of fresh workers-oauth-provider grants: authorize, then exchange the code with PKCE. */
export async function issuePeerRefreshTokens(server: PeerServer, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index++) {
    const verifier = generateOpaqueToken();
    const authorize = new URL('/authorize', server.url);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: server.client.clientId,
      redirect_uri: PEER_REDIRECT_URI,
      scope: `${BENCH_SCOPE} offline_access`,
      state: 'bench',
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location') ?? 'http://invalid/').searchParams.get('code');
    if (!code) throw new Error(`workers-oauth-provider gave no code: ${redirect.status} ${await redirect.text()}`);
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        Authorization: basicAuthorization(server.client),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: PEER_REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    });
    const body = (await response.json()) as { refresh_token?: string };
    if (!body.refresh_token) throw new Error(`workers-oauth-provider gave no refresh token: ${JSON.stringify(body)}`);
    tokens.push(body.refresh_token);
  }
  return tokens;
}
