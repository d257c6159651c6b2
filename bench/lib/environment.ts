// Starts every server of a run, each on its own loopback port and process, and seeds them: Portcullis (the
// production bundle in workerd, its D1 metered), node-oidc-provider (Node), OpenAuth and workers-oauth-provider
// (workerd), and the ceiling and sample-API Workers.
import { join } from 'node:path';
import { CLIENT_CACHE_MAX_ENTRIES } from '../../src/storage/cached-clients';
import type { KeyRing } from '../../src/tokens/keys';
import { buildProductionBundle, bundleCeiling, bundlePortcullisEntry, type ProductionBundle } from './build';
import { buildPeers, startOpenAuth, startWorkersOAuthProvider, type PeerServer } from './peers';
import { startOidcProvider } from './oidc-provider';
import { seedGrantFixtures, type GrantFixtures } from './seed-grants';
import {
  BENCH_CLIENT_ID,
  BENCH_SCOPE,
  basicAuthorization,
  generateSigningKeys,
  importSigningKeys,
  seedClients,
  seedUnicorns,
  type Credentials,
} from './seed';
import { startWranglerDev } from './wrangler-dev';
import { readCompatibility, startWorkerd } from './workerd';
import { freePort } from '../../scripts/lib/free-port';
import { withRoundTrips, type Server } from './server';

export const CEILINGS = [
  'bare',
  'middleware',
  'd1-read',
  'es256-sign',
  'api-open',
  'api-guarded',
  'api-hono-jwk',
] as const;
export type CeilingName = (typeof CEILINGS)[number];

export interface Environment {
  bundle: ProductionBundle;
  portcullis: Server;
  /** workerd's inspector for Portcullis, with `cpuProfile`. */
  portcullisInspectorUrl: string | undefined;
  oidcProvider: Server;
  openAuth: PeerServer;
  workersOAuthProvider: PeerServer;
  ceilings: Record<CeilingName, Server>;
  /** The confidential client of Portcullis (and of the D1-read ceiling's row). */
  client: Credentials;
  /** More clients than the client cache holds, for the cold client_credentials target. */
  coldClients: Credentials[];
  oidcClient: Credentials;
  /** Portcullis's D1, for credentials pre-issued between runs (codes, refresh tokens). */
  portcullisDb: D1Database;
  grants: GrantFixtures;
  issuer: string;
  keys: KeyRing;
  /** One token from Portcullis's token endpoint, sent on every request by the "reused token" targets. */
  reusedToken: string;
  /** Portcullis under `wrangler dev` and its seeded client, with --wrangler-dev. */
  wranglerDev: (Server & { client: Credentials }) | undefined;
  dispose(): Promise<void>;
}

/** Twice what the client cache holds: cycling through them in order, every read misses it and goes to D1. */
export const COLD_CLIENT_COUNT = 2 * CLIENT_CACHE_MAX_ENTRIES;

export interface EnvironmentOptions {
  viaEntryWorker: boolean;
  wranglerDev: boolean;
  /** Delay of every storage round trip (D1, the peers' KV), as a distant primary would add; 0 for none. */
  storageLatencyMs: number;
  /** Portcullis unminified and with workerd's inspector open, for a CPU profile. */
  cpuProfile: boolean;
}

export async function startEnvironment(
  workDir: string,
  options: EnvironmentOptions,
  log: (line: string) => void,
): Promise<Environment> {
  const servers: Server[] = [];
  const dispose = async () => {
    await Promise.allSettled(servers.reverse().map((server) => server.dispose()));
  };
  try {
    log('building the production bundle (wrangler deploy --dry-run) and the ceiling Workers (esbuild)');
    const bundleBuild = buildProductionBundle(join(workDir, 'dist'), !options.cpuProfile);
    const ceilingBuilds = CEILINGS.map((name) => bundleCeiling(name, join(workDir, 'ceilings')));
    const peerBuilds = buildPeers(join(workDir, 'peers'));
    // Every build finishes before any failure is thrown, so none writes into the directory removed on the way out.
    await Promise.allSettled([bundleBuild, peerBuilds, ...ceilingBuilds]);
    const bundle = await bundleBuild;
    const entryPath = await bundlePortcullisEntry(bundle);
    const ceilingScripts = await Promise.all(ceilingBuilds);
    const [openAuthScript, workersOAuthProviderScript] = await peerBuilds;
    const latency = String(options.storageLatencyMs);
    const compatibility = readCompatibility();
    const signingKeys = await generateSigningKeys();
    const keys = await importSigningKeys(signingKeys);

    log('starting Portcullis in workerd');
    const portcullisWorkerd = await startWorkerd({
      name: 'portcullis',
      scriptPath: entryPath,
      extraModules: [bundle.scriptPath],
      ...compatibility,
      viaEntryWorker: options.viaEntryWorker,
      ...(options.cpuProfile ? { inspectorPort: await freePort() } : {}),
      bindings: (port) => ({
        ISSUER: `http://127.0.0.1:${port}`,
        SIGNING_KEYS: signingKeys,
        REGISTRATION_POLICY: 'closed',
        BENCH_STORAGE_LATENCY_MS: latency,
      }),
      persistDir: join(workDir, 'state', 'portcullis'),
      d1: true,
    });
    const issuer = new URL(portcullisWorkerd.url).origin;
    servers.push(portcullisWorkerd);
    const portcullis = withRoundTrips(portcullisWorkerd);
    const db = portcullisWorkerd.db!;
    const [client] = await seedClients(db, [BENCH_CLIENT_ID]);
    const coldClients = await seedClients(
      db,
      Array.from({ length: COLD_CLIENT_COUNT }, (_, index) => `bench-cold-${index}`),
    );
    await seedUnicorns(db, BENCH_CLIENT_ID);
    const grants = await seedGrantFixtures(db);

    const signingJwk = JSON.stringify((JSON.parse(signingKeys) as { keys: unknown[] }).keys[0]);
    const ceilingBindings = {
      BENCH_STORAGE_LATENCY_MS: latency,
      ISSUER: issuer,
      CLIENT_ID: BENCH_CLIENT_ID,
      PUBLIC_JWKS: keys.jwksBody,
      SIGNING_JWK: signingJwk,
    };
    const ceilings = {} as Record<CeilingName, Server>;
    for (const [index, name] of CEILINGS.entries()) {
      ceilings[name] = await startCeiling(name, ceilingScripts[index]!, ceilingBindings, workDir, options);
      servers.push(ceilings[name]);
    }

    log('starting node-oidc-provider');
    const oidcClient = { clientId: BENCH_CLIENT_ID, secret: `secret-${crypto.randomUUID()}` };
    const oidcProvider = await startOidcProvider(await freePort(), oidcClient.clientId, oidcClient.secret);
    servers.push(oidcProvider);
    log('starting OpenAuth and workers-oauth-provider in workerd');
    const openAuth = await startOpenAuth(openAuthScript!, workDir, options);
    servers.push(openAuth);
    const workersOAuthProvider = await startWorkersOAuthProvider(workersOAuthProviderScript!, workDir, options);
    servers.push(workersOAuthProvider);

    let wranglerDev: Environment['wranglerDev'];
    if (options.wranglerDev) {
      log('starting Portcullis under wrangler dev');
      wranglerDev = await startWranglerDev(workDir, await freePort(), signingKeys);
      servers.push(wranglerDev);
    }

    const reusedToken = await fetchToken(issuer, client!);
    return {
      bundle,
      portcullis,
      portcullisInspectorUrl: portcullisWorkerd.inspectorUrl,
      oidcProvider,
      openAuth,
      workersOAuthProvider,
      ceilings,
      client: client!,
      coldClients,
      oidcClient,
      portcullisDb: db,
      grants,
      issuer,
      keys,
      reusedToken,
      wranglerDev,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** One ceiling Worker in its own workerd; those that read D1 get the bench client's row and the unicorns. */
async function startCeiling(
  name: CeilingName,
  scriptPath: string,
  bindings: Record<string, string>,
  workDir: string,
  options: EnvironmentOptions,
): Promise<Server> {
  const usesDb = name === 'd1-read' || name.startsWith('api-');
  const server = await startWorkerd({
    name,
    scriptPath,
    ...readCompatibility(),
    viaEntryWorker: options.viaEntryWorker,
    bindings,
    ...(usesDb ? { persistDir: join(workDir, 'state', name), d1: true } : {}),
  });
  if (server.db) {
    await seedClients(server.db, [BENCH_CLIENT_ID]);
    await seedUnicorns(server.db, BENCH_CLIENT_ID);
  }
  return name === 'd1-read' ? withRoundTrips(server) : server;
}

async function fetchToken(issuer: string, client: Credentials): Promise<string> {
  const response = await fetch(`${issuer}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: basicAuthorization(client), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: BENCH_SCOPE }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token)
    throw new Error(`Portcullis issued no token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
