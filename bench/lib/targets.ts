// What the bench measures: each target is one server, one request shape and its anchor (the figure its ratio is
// taken against), plus the goals it is judged by (issue 11, and issue 5's that still stand). Every ratio is between
// two targets of the same run; no figure comes from elsewhere.
import type { AutocannonRequest } from 'autocannon';
import type { Environment } from './environment';
import type { Server } from './server';
import type { LoadSpec } from './load';
import { BENCH_SCOPE, basicAuthorization, mintAccessTokens, type Credentials } from './seed';

export type Metric = 'rps' | 'cpu' | 'p50' | 'roundTrips';

/** A goal: this target's metric over another target's of the same run (or, without `versus`, the metric itself). */
export interface Goal {
  label: string;
  versus?: string;
  metric: Metric;
  atLeast?: number;
  atMost?: number;
}

export type RequestShape = Omit<LoadSpec, 'connections' | 'durationSeconds'> & {
  /** How many distinct credentials a run cycles through; a run with more responses reused some (reported). */
  poolSize?: number;
};

export interface Target {
  id: string;
  what: string;
  server: Server;
  /** Overrides the profile's connection count (the one-connection latency targets). */
  connections?: number;
  anchor?: string;
  goals?: Goal[];
  /** What a user far from the database waits for: the targets of the --d1-latency-ms run. */
  distant?: boolean;
  /** Builds the requests of one run. */
  requests(plan: RunPlan): Promise<RequestShape>;
}

export interface RunPlan {
  /** Sizes pools of single-use or never-seen credentials. */
  expectedRequests: number;
  connections: number;
}

export const FORM = 'application/x-www-form-urlencoded';
const CLIENT_CREDENTIALS_BODY = new URLSearchParams({
  grant_type: 'client_credentials',
  scope: BENCH_SCOPE,
}).toString();

export function defineTargets(env: Environment): Target[] {
  const { portcullis, oidcProvider, ceilings } = env;
  const tokenRequest = (server: Server, path: string, client: Credentials) => async (): Promise<RequestShape> => {
    const shape = {
      url: `${server.url}${path}`,
      method: 'POST' as const,
      headers: { Authorization: basicAuthorization(client), 'Content-Type': FORM },
      body: CLIENT_CREDENTIALS_BODY,
    };
    await warmUp(shape);
    return shape;
  };
  const get =
    (server: Server, path: string, headers: Record<string, string> = {}) =>
    async (): Promise<RequestShape> => ({
      url: `${server.url}${path}`,
      method: 'GET',
      headers,
    });
  const bearer = { Authorization: `Bearer ${env.reusedToken}` };
  // One cursor for every run: a run that began again at the first client would find the last run's in the cache.
  const coldClients = cycling(env.coldClients, (client) => ({
    headers: { Authorization: basicAuthorization(client) },
  }));
  // Every request carries a token this server has never seen, minted with the issuer's key before the run.
  const freshTokens =
    (server: Server, path: string) =>
    async ({ expectedRequests }: RunPlan): Promise<RequestShape> => {
      const tokens = await mintAccessTokens(env.keys, env.issuer, expectedRequests);
      return {
        url: `${server.url}${path}`,
        method: 'GET',
        requests: [cycling(tokens, (token) => ({ headers: { Authorization: `Bearer ${token}` } }))],
        poolSize: tokens.length,
      };
    };

  return [
    {
      id: 'ceiling.bare',
      what: 'Hono route, no work (workerd)',
      server: ceilings.bare,
      requests: get(ceilings.bare, '/'),
    },
    {
      id: 'ceiling.middleware',
      what: "bare route behind src/app.ts's global middleware",
      server: ceilings.middleware,
      anchor: 'ceiling.bare',
      requests: get(ceilings.middleware, '/'),
    },
    {
      id: 'ceiling.d1-read',
      what: 'Hono + one D1 select by primary key',
      server: ceilings['d1-read'],
      anchor: 'ceiling.bare',
      requests: get(ceilings['d1-read'], '/'),
    },
    {
      id: 'ceiling.es256-sign',
      what: 'Hono + one jose ES256 sign',
      server: ceilings['es256-sign'],
      anchor: 'ceiling.bare',
      requests: get(ceilings['es256-sign'], '/'),
    },

    {
      id: 'cc.oidc-provider',
      what: 'client_credentials, node-oidc-provider (Node)',
      server: oidcProvider,
      requests: tokenRequest(oidcProvider, '/token', env.oidcClient),
    },
    {
      id: 'cc.openauth',
      what: 'client_credentials, OpenAuth (workerd, KV)',
      server: env.openAuth,
      requests: async () => ({
        url: `${env.openAuth.url}/token`,
        method: 'POST',
        headers: { 'Content-Type': FORM },
        // OpenAuth takes the client's credentials in the form only, and the provider that checks them by name.
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          provider: 'bench',
          client_id: env.openAuth.client.clientId,
          client_secret: env.openAuth.client.secret,
          scope: BENCH_SCOPE,
        }).toString(),
      }),
    },
    {
      id: 'cc.portcullis',
      what: 'client_credentials (Basic), warm: one client',
      server: portcullis,
      anchor: 'cc.oidc-provider',
      distant: true,
      goals: [
        { label: 'cc warm ≥ 1.2× node-oidc-provider req/s', versus: 'cc.oidc-provider', metric: 'rps', atLeast: 1.2 },
        {
          label: 'cc warm ≤ 0.75× node-oidc-provider CPU/token',
          versus: 'cc.oidc-provider',
          metric: 'cpu',
          atMost: 0.75,
        },
        { label: 'cc warm ≥ 4× OpenAuth req/s', versus: 'cc.openauth', metric: 'rps', atLeast: 4 },
      ],
      requests: tokenRequest(portcullis, '/oauth/token', env.client),
    },
    {
      id: 'cc.portcullis.cold',
      what: `client_credentials, cold: ${env.coldClients.length} clients in turn`,
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      goals: [
        {
          label: 'issue 5: cc cold ≥ 0.8× one D1 read req/s',
          versus: 'ceiling.d1-read',
          metric: 'rps',
          atLeast: 0.8,
        },
      ],
      requests: async () => ({
        url: `${portcullis.url}/oauth/token`,
        method: 'POST',
        headers: { 'Content-Type': FORM },
        body: CLIENT_CREDENTIALS_BODY,
        requests: [coldClients],
      }),
    },
    {
      id: 'cc.oidc-provider.c1',
      what: 'client_credentials, node-oidc-provider, 1 connection',
      server: oidcProvider,
      connections: 1,
      requests: tokenRequest(oidcProvider, '/token', env.oidcClient),
    },
    {
      id: 'cc.portcullis.c1',
      what: 'client_credentials, warm, 1 connection',
      server: portcullis,
      connections: 1,
      anchor: 'cc.oidc-provider.c1',
      goals: [
        {
          label: 'issue 5: cc p50 at 1 connection ≤ node-oidc-provider',
          versus: 'cc.oidc-provider.c1',
          metric: 'p50',
          atMost: 1,
        },
      ],
      requests: tokenRequest(portcullis, '/oauth/token', env.client),
    },

    ...(['jwks', 'discovery'] as const).flatMap((kind): Target[] => {
      const portcullisPath = kind === 'jwks' ? '/.well-known/jwks.json' : '/.well-known/openid-configuration';
      const oidcPath = kind === 'jwks' ? '/jwks' : '/.well-known/openid-configuration';
      return [
        {
          id: `${kind}.portcullis`,
          what: `${kind === 'jwks' ? 'JWKS' : 'discovery'}, Portcullis`,
          server: portcullis,
          anchor: 'ceiling.bare',
          goals: [
            { label: `${kind} ≥ 0.95× a bare route req/s`, versus: 'ceiling.bare', metric: 'rps', atLeast: 0.95 },
          ],
          requests: get(portcullis, portcullisPath),
        },
        {
          id: `${kind}.oidc-provider`,
          what: `${kind === 'jwks' ? 'JWKS' : 'discovery'}, node-oidc-provider`,
          server: oidcProvider,
          anchor: `${kind}.portcullis`,
          requests: get(oidcProvider, oidcPath),
        },
        {
          id: `${kind}.openauth`,
          what: `${kind === 'jwks' ? 'JWKS' : 'discovery (RFC 8414)'}, OpenAuth`,
          server: env.openAuth,
          anchor: `${kind}.portcullis`,
          requests: get(
            env.openAuth,
            kind === 'jwks' ? '/.well-known/jwks.json' : '/.well-known/oauth-authorization-server',
          ),
        },
      ];
    }),

    ...(
      [
        { key: 'api', path: '/api/unicorns', what: 'GET /api/unicorns (D1 list)' },
        { key: 'ping', path: '/api/ping', what: 'GET /api/ping (no work: the guard alone)' },
      ] as const
    ).flatMap(({ key, path, what }): Target[] => [
      {
        id: `${key}.open`,
        what: `${what}, no guard`,
        server: ceilings['api-open'],
        requests: get(ceilings['api-open'], path),
      },
      {
        id: `${key}.verify.reused`,
        what: `${what} + @portcullis/verify, token reused`,
        server: ceilings['api-guarded'],
        anchor: `${key}.open`,
        goals: [
          {
            label: `issue 5 (${path}): verify, reused token ≥ 0.9× unguarded`,
            versus: `${key}.open`,
            metric: 'rps',
            atLeast: 0.9,
          },
        ],
        requests: get(ceilings['api-guarded'], path, bearer),
      },
      {
        id: `${key}.verify.fresh`,
        what: `${what} + @portcullis/verify, never-seen tokens`,
        server: ceilings['api-guarded'],
        anchor: `${key}.open`,
        goals: [
          {
            label: `issue 5 (${path}): verify, never-seen token ≥ 0.6× unguarded`,
            versus: `${key}.open`,
            metric: 'rps',
            atLeast: 0.6,
          },
          {
            label: `issue 5 (${path}): verify never slower than Hono's jwk`,
            versus: `${key}.hono-jwk`,
            metric: 'rps',
            atLeast: 1,
          },
        ],
        requests: freshTokens(ceilings['api-guarded'], path),
      },
      {
        id: `${key}.hono-jwk`,
        what: `${what} + Hono's jwk middleware, never-seen tokens`,
        server: ceilings['api-hono-jwk'],
        anchor: `${key}.open`,
        requests: freshTokens(ceilings['api-hono-jwk'], path),
      },
    ]),
    {
      id: 'api.portcullis',
      what: 'GET /api/unicorns in the Portcullis Worker, token reused',
      server: portcullis,
      anchor: 'api.open',
      requests: get(portcullis, '/api/unicorns', bearer),
    },
    ...(env.wranglerDev ? wranglerDevTargets(env.wranglerDev, tokenRequest, get) : []),
  ];
}

/** Under `wrangler dev`, anchored on the same endpoint in workerd directly: the ratio is what the dev proxy costs. */
function wranglerDevTargets(
  server: Server & { client: Credentials },
  tokenRequest: (server: Server, path: string, client: Credentials) => () => Promise<RequestShape>,
  get: (server: Server, path: string) => () => Promise<RequestShape>,
): Target[] {
  return [
    {
      id: 'wrangler-dev.cc',
      what: 'client_credentials, warm, under wrangler dev',
      server,
      anchor: 'cc.portcullis',
      requests: tokenRequest(server, '/oauth/token', server.client),
    },
    {
      id: 'wrangler-dev.jwks',
      what: 'JWKS under wrangler dev',
      server,
      anchor: 'jwks.portcullis',
      requests: get(server, '/.well-known/jwks.json'),
    },
  ];
}

/**
 * Sends one request before a run, uncounted: the cold target, interleaved with the others, pushes every client out
 * of Portcullis's client cache, and a warm target must start warm (its client cached), or its first requests, one
 * per connection, each read the client from D1.
 */
export async function warmUp({ url, method, headers, body }: RequestShape): Promise<void> {
  await (await fetch(url, { method, headers, body })).arrayBuffer();
}

/** A request that takes the next item of a list on every send, across all connections, wrapping around. */
export function cycling<T>(
  items: readonly T[],
  change: (item: T) => { headers?: Record<string, string>; body?: string },
): AutocannonRequest {
  let next = 0;
  return {
    setupRequest(request) {
      const { headers = {}, body = request.body } = change(items[next++ % items.length]!);
      return { ...request, headers: { ...request.headers, ...headers }, body };
    },
  };
}
