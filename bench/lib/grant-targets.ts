// The user-facing grants at the token endpoint: refresh-token rotation, each connection presenting the refresh
// token its previous response returned (as a client does), for Portcullis and workers-oauth-provider, and the
// authorization-code exchange with codes and PKCE pre-issued between runs, and the device_code grant redeeming device
// codes approved between runs. All write to D1 on every request, so their anchor is the one-D1-read ceiling, and
// each must take one D1 round trip.
import type { AutocannonRequest } from 'autocannon';
import type { Environment } from './environment';
import { issuePeerRefreshTokens } from './peers';
import { basicAuthorization } from './seed';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/oauth/device-authorization';
import { issueApprovedDeviceCodes, issueAuthorizationCodes, issueRefreshTokens, REDIRECT_URI } from './seed-grants';
import { cycling, FORM, type Goal, type RequestShape, type RunPlan, type Target, warmUp } from './targets';

/** First refresh tokens per connection: a failed rotation loses its successor, so each connection has spares. */
const REFRESH_TOKENS_PER_CONNECTION = 4;
/** With --d1-latency-ms: a one-round-trip grant answers within the latency plus this. */
const DISTANT_P50_ALLOWANCE_MS = 10;

export function grantTargets(env: Environment, d1LatencyMs: number): Target[] {
  const { portcullis, portcullisDb, grants, workersOAuthProvider } = env;
  const headers = { Authorization: basicAuthorization(grants.client), 'Content-Type': FORM };
  // Caches the grant client (an unknown refresh token: refused, nothing spent), as a client in use is.
  const warmGrantClient = () =>
    warmUp({
      url: `${portcullis.url}/oauth/token`,
      method: 'POST',
      headers,
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'warm-up' }).toString(),
    });
  // At a distance the p50 is the goal; the round-trip count is judged by the run without delay, whose thousands of
  // requests per run make the client record's re-read every 30 s vanish in the average.
  const oneRoundTrip = (what: string): Goal[] => [
    { label: `${what}: ≥ 0.7× one D1 read req/s`, versus: 'ceiling.d1-read', metric: 'rps', atLeast: 0.7 },
    ...(d1LatencyMs > 0
      ? [
          {
            label: `${what}: p50 ≤ ${d1LatencyMs} + ${DISTANT_P50_ALLOWANCE_MS} ms at ${d1LatencyMs} ms from D1`,
            metric: 'p50' as const,
            atMost: d1LatencyMs + DISTANT_P50_ALLOWANCE_MS,
          },
        ]
      : [{ label: `${what}: ≤ 1 D1 round trip`, metric: 'roundTrips' as const, atMost: 1 }]),
  ];
  return [
    {
      id: 'refresh.workers-oauth-provider',
      what: 'refresh_token rotation, workers-oauth-provider (workerd, KV)',
      server: workersOAuthProvider,
      async requests({ connections }: RunPlan): Promise<RequestShape> {
        const tokens = await issuePeerRefreshTokens(workersOAuthProvider, connections * REFRESH_TOKENS_PER_CONNECTION);
        return {
          url: `${workersOAuthProvider.url}/token`,
          method: 'POST',
          headers: { Authorization: basicAuthorization(workersOAuthProvider.client), 'Content-Type': FORM },
          requests: [rotating(tokens)],
        };
      },
    },
    {
      id: 'refresh.portcullis',
      what: 'refresh_token rotation (each response’s token used next)',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      goals: [
        {
          label: 'refresh ≥ 2× workers-oauth-provider req/s',
          versus: 'refresh.workers-oauth-provider',
          metric: 'rps',
          atLeast: 2,
        },
        ...oneRoundTrip('refresh'),
      ],
      async requests({ connections }: RunPlan): Promise<RequestShape> {
        const tokens = await issueRefreshTokens(portcullisDb, connections * REFRESH_TOKENS_PER_CONNECTION);
        await warmGrantClient();
        return { url: `${portcullis.url}/oauth/token`, method: 'POST', headers, requests: [rotating(tokens)] };
      },
    },
    {
      id: 'authcode.portcullis',
      what: 'authorization_code exchange, PKCE, pre-issued codes',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      goals: oneRoundTrip('code exchange'),
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        const codes = await issueAuthorizationCodes(portcullisDb, grants, expectedRequests);
        await warmGrantClient();
        const body = (code: string) =>
          new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: REDIRECT_URI,
            code_verifier: grants.codeVerifier,
          }).toString();
        return {
          url: `${portcullis.url}/oauth/token`,
          method: 'POST',
          headers,
          requests: [cycling(codes, (code) => ({ body: body(code) }))],
          poolSize: codes.length,
        };
      },
    },
    {
      id: 'device.portcullis',
      what: 'device_code grant, approved device codes (pre-issued)',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      distant: true,
      goals: oneRoundTrip('device code'),
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        const deviceCodes = await issueApprovedDeviceCodes(portcullisDb, expectedRequests);
        await warmGrantClient();
        const body = (deviceCode: string) =>
          new URLSearchParams({ grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode }).toString();
        return {
          url: `${portcullis.url}/oauth/token`,
          method: 'POST',
          headers,
          requests: [cycling(deviceCodes, (deviceCode) => ({ body: body(deviceCode) }))],
          poolSize: deviceCodes.length,
        };
      },
    },
  ];
}

/**
 * Sends the oldest unused refresh token and queues the one each success returns. Every connection has one request
 * in flight, so the queue never runs dry unless rotations fail (then the run reports them as non-2xx).
 */
function rotating(firstTokens: string[]): AutocannonRequest {
  const unused = [...firstTokens];
  return {
    setupRequest(request) {
      const token = unused.shift() ?? 'exhausted';
      return {
        ...request,
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
      };
    },
    onResponse(status, body) {
      if (status !== 200) return;
      const successor = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token;
      if (typeof successor === 'string') unused.push(successor);
    },
  };
}
