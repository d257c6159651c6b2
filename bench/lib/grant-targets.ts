// The user-facing grants at the token endpoint: refresh-token rotation, each connection presenting the refresh
// token its previous response returned (as a client does), and the authorization-code exchange with codes and
// PKCE pre-issued between runs. Both write to D1 on every request, so their anchor is the one-D1-read ceiling.
import type { AutocannonRequest } from 'autocannon';
import type { Environment } from './environment';
import { basicAuthorization } from './seed';
import { issueAuthorizationCodes, issueRefreshTokens, REDIRECT_URI } from './seed-grants';
import { cycling, FORM, type RequestShape, type RunPlan, type Target } from './targets';

/** First refresh tokens per connection: a failed rotation loses its successor, so each connection has spares. */
const REFRESH_TOKENS_PER_CONNECTION = 4;

export function grantTargets(env: Environment): Target[] {
  const { portcullis, portcullisDb, grants } = env;
  const headers = { Authorization: basicAuthorization(grants.client), 'Content-Type': FORM };
  return [
    {
      id: 'refresh.portcullis',
      what: 'refresh_token rotation (each response’s token used next)',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      goals: [
        {
          label: "goal 4: ≥ 2× workers-oauth-provider's refresh",
          versus: 'workers-oauth-provider',
          reference: 180,
          metric: 'rps',
          atLeast: 2,
        },
      ],
      async requests({ connections }: RunPlan): Promise<RequestShape> {
        const tokens = await issueRefreshTokens(portcullisDb, connections * REFRESH_TOKENS_PER_CONNECTION);
        return { url: `${portcullis.url}/oauth/token`, method: 'POST', headers, requests: [rotating(tokens)] };
      },
    },
    {
      id: 'authcode.portcullis',
      what: 'authorization_code exchange, PKCE, pre-issued codes',
      server: portcullis,
      anchor: 'ceiling.d1-read',
      async requests({ expectedRequests }: RunPlan): Promise<RequestShape> {
        const codes = await issueAuthorizationCodes(portcullisDb, grants, expectedRequests);
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
