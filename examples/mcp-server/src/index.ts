// The example MCP server: a Worker of its own serving MCP's Streamable HTTP transport at /mcp (the official SDK's
// web-standard transport, stateless), protected by @portcullis/verify (installed from the packed tarball). Its
// resource identifier is the endpoint URL: tokens must carry it as `aud` (RFC 8707). It publishes RFC 9728 metadata,
// answers 401 with `resource_metadata` and `scope`, and 403 insufficient_scope naming what a tool call needs.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { bearerErrorResponse, requireScopes, VerifyError } from '@portcullis/verify';
import { protectedResource, type AccessTokenEnv, type ProtectedResource } from '@portcullis/verify/hono';
import { Hono, type Context } from 'hono';
import { BASE_SCOPE, createMcpServer, TOOL_SCOPES, WRITE_SCOPE } from './tools';
import { UnicornHerd } from './unicorns';

interface Bindings {
  ISSUER_URL: string;
  RESOURCE: string;
  JWKS_URL?: string;
  /** The service binding to the Portcullis Worker (wrangler.toml [[services]]). */
  AUTH: { fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> };
}
type Env = { Bindings: Bindings } & AccessTokenEnv;

// Once per isolate, never per request: the verifier inside keeps the fetched keys and the verified tokens.
let resource: ProtectedResource<Env> | undefined;
function resourceOf(env: Bindings): ProtectedResource<Env> {
  resource ??= protectedResource<Env>({
    issuer: env.ISSUER_URL,
    audience: env.RESOURCE,
    scopesSupported: [BASE_SCOPE, WRITE_SCOPE],
    resourceName: 'Portcullis unicorns (MCP)',
    ...(env.JWKS_URL
      ? { jwksUri: env.JWKS_URL }
      : { jwksFetcher: (url: string | URL, init?: RequestInit) => env.AUTH.fetch(url, init) }),
  });
  return resource;
}

const herd = new UnicornHerd();
const app = new Hono<Env>();

app.get('/.well-known/oauth-protected-resource/*', (c) => {
  const { metadata, metadataHandler } = resourceOf(c.env);
  return c.req.path === metadata.path ? metadataHandler(c) : c.notFound();
});

app.all(
  '/mcp',
  (c, next) => resourceOf(c.env).guard([BASE_SCOPE], { challengeScope: true })(c, next),
  async (c) => {
    const refusal = await toolScopeRefusal(c);
    if (refusal) return refusal;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const server = createMcpServer(herd, c.get('accessToken').sub);
    await server.connect(transport);
    return transport.handleRequest(c.req.raw);
  },
);

/**
 * A tools/call for a tool whose scope the token lacks: 403 insufficient_scope (RFC 6750 §3.1) naming every scope the
 * call needs, the endpoint's included, so a client that replaces its scope with the challenge's (as SDK 1.32 does)
 * keeps what it had, and one that accumulates (MCP 2026-07-28) asks for nothing extra.
 */
async function toolScopeRefusal(c: Context<Env>): Promise<Response | undefined> {
  if (c.req.method !== 'POST') return undefined;
  let body: unknown;
  try {
    body = await c.req.raw.clone().json();
  } catch {
    return undefined; // The transport answers a malformed body with its JSON-RPC parse error.
  }
  const needed = (Array.isArray(body) ? body : [body]).flatMap(toolScopesOf);
  if (needed.length === 0) return undefined;
  try {
    requireScopes(c.get('accessToken'), [...new Set([BASE_SCOPE, ...needed])]);
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    return bearerErrorResponse(error, c.get('bearerChallenge'));
  }
  return undefined;
}

function toolScopesOf(message: unknown): readonly string[] {
  if (typeof message !== 'object' || message === null) return [];
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  if (method !== 'tools/call' || typeof params?.name !== 'string') return [];
  return TOOL_SCOPES[params.name] ?? [];
}

export default app;
