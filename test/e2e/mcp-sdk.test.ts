// The official MCP SDK client (@modelcontextprotocol/sdk 1.32: Client, StreamableHTTPClientTransport and an
// OAuthClientProvider of this test's own) against two Workers in workerd: the issuer and examples/mcp-server, bundled
// from its own package.json with the packed @portcullis/verify. Nothing is registered by hand: the 401 names the
// RFC 9728 metadata, which names the issuer (RFC 8414), where the SDK registers (RFC 7591) and authorizes with PKCE
// and `resource` (RFC 8707); the login and consent pages are driven headless. Then tools are listed and called, a
// write tool's 403 insufficient_scope makes the client step up through consent, and the token is refreshed. A token
// for another resource is refused by the MCP server, and the MCP server's token by the sample API. Two more clients
// name Client ID Metadata Documents that this test serves over https on a loopback origin, which the issuer's
// workerd fetches with TLS verified against the test's own authority (test-tls.ts): a public one, and one that
// authenticates with private_key_jwt, its assertions signed by the SDK's createPrivateKeyJwtAuth.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type AddClientAuthentication, auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Miniflare, Request as MiniflareRequest } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningKeySet } from '../../src/tokens/generate-key';
import { HeadlessPages } from './headless-pages';
import { bundleWorker, compatibilityDateOf, migrate, startWorkers } from './workers';

/**
 * A loopback issuer, as under `npm start`: CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST, which lets it fetch a document
 * from a loopback origin, is refused for any other. Requests reach it through dispatchFetch; nothing listens here.
 */
const ISSUER = 'http://127.0.0.1:18787';
const MCP_ORIGIN = 'https://mcp.test';
const MCP_RESOURCE = `${MCP_ORIGIN}/mcp`;
const MCP_CONFIG = 'examples/mcp-server/wrangler.toml';
const REDIRECT_URI = 'http://127.0.0.1:33418/callback';
/** The CIMD clients' document server: https on 127.0.0.1, its origin known once it listens (`https://localhost:…`). */
let documentServer: Server;
let documentOrigin = '';
const PUBLIC_DOCUMENT_PATH = '/mcp-client.json';
const KEY_DOCUMENT_PATH = '/mcp-key-client.json';
/** The private_key_jwt client's key pair; the document publishes the public half as `jwks`. */
let clientKey: { privateJwk: JWK; publicJwk: JWK };
/** The documents by path: a public client, and one that authenticates with private_key_jwt. */
function documentAt(path: string): Record<string, unknown> | undefined {
  const common = {
    client_id: `${documentOrigin}${path}`,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  if (path === PUBLIC_DOCUMENT_PATH) {
    return { ...common, client_name: 'MCP SDK client (metadata document)', token_endpoint_auth_method: 'none' };
  }
  if (path === KEY_DOCUMENT_PATH) {
    return {
      ...common,
      client_name: 'MCP SDK client with a key (metadata document)',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [clientKey.publicJwk] },
    };
  }
  return undefined;
}
/** Paths the issuer asked the document server for. */
const documentFetches: string[] = [];

/** Serves the documents over TLS with the certificate global-setup.ts made. */
async function startDocumentServer(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  clientKey = { privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid: 'k1' } };
  const { cert, key } = inject('loopbackTls');
  documentServer = createServer({ cert, key }, (request, response) => {
    documentFetches.push(request.url ?? '');
    const document = documentAt(request.url ?? '');
    if (!document) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' });
    response.end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
  documentOrigin = `https://localhost:${(documentServer.address() as AddressInfo).port}`;
}
const SCOPES = {
  read: { description: 'Read your data' },
  write: { description: 'Create, change and delete your data' },
  'unicorns:read': { description: 'See the unicorns through the MCP tools', resources: [MCP_RESOURCE] },
  'unicorns:write': { description: 'Create unicorns through the MCP tools', resources: [MCP_RESOURCE] },
};

let directory: string;
let issuer: Miniflare;
let mcp: Miniflare;
/** Paths the MCP server asked the issuer for over its AUTH binding. */
const issuerCallsFromMcp: string[] = [];
const user = { username: `mcp_${crypto.randomUUID().slice(0, 8)}`, password: `pw-${crypto.randomUUID()}` };

/** Routes the SDK's requests: the issuer's origin to its workerd, the MCP server's to its own. */
async function route(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const target = new URL(request.url).origin === MCP_ORIGIN ? mcp : issuer;
  const body = request.body ? await request.text() : undefined;
  return (await target.dispatchFetch(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    redirect: 'manual',
  } as never)) as unknown as Response;
}

/**
 * The OAuthClientProvider: keeps what the SDK saves, and hands the authorization URL to the headless pages. One
 * deviation from a plain store: while a scope challenge the grant does not cover is pending, it withholds the
 * refresh token, because SDK 1.32 answers insufficient_scope by refreshing, which cannot widen a grant (docs/mcp.md).
 */
class TestProvider implements OAuthClientProvider {
  /**
   * `clientMetadataUrl` set: the client is known by this Client ID Metadata Document instead of registering;
   * `addClientAuthentication` set: it authenticates at the token endpoint so (private_key_jwt) instead of `none`.
   */
  constructor(
    readonly clientMetadataUrl?: string,
    readonly addClientAuthentication?: AddClientAuthentication,
  ) {}
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  pendingScope: string[] = [];
  registrations = 0;

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata() {
    return {
      client_name: 'MCP SDK end-to-end test',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    if (this.information?.client_id !== information.client_id) this.registrations++;
    this.information = information;
  }
  tokens() {
    const granted = this.saved?.scope?.split(' ') ?? [];
    if (this.saved && this.pendingScope.some((scope) => !granted.includes(scope))) {
      const { refresh_token: _withheld, ...rest } = this.saved;
      return rest;
    }
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

let provider = new TestProvider();
const pages = new HeadlessPages((url, init) => route(url, init));

/** The SDK's fetch: routed, and watching for scope challenges, as a client tracking what it must step up to. */
async function clientFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await route(input, init);
  const challenge = response.headers.get('www-authenticate') ?? '';
  if (response.status === 403 && challenge.includes('error="insufficient_scope"')) {
    provider.pendingScope = /scope="([^"]*)"/.exec(challenge)?.[1]?.split(' ') ?? [];
  }
  return response;
}

function transport(): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(MCP_RESOURCE), { authProvider: provider, fetch: clientFetch });
}

/** Signs in and consents on the issuer's pages for the URL the SDK produced; returns the code. */
async function completeAuthorization(): Promise<string> {
  const url = provider.authorizationUrl;
  expect(url, 'the SDK asked for no authorization').toBeDefined();
  provider.authorizationUrl = undefined;
  const back = await pages.authorize(url!.toString(), user);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
  expect(back.searchParams.get('iss')).toBe(ISSUER);
  return back.searchParams.get('code')!;
}

let client: Client;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'portcullis-mcp-'));
  await startDocumentServer();
  const [issuerScript, mcpScript] = await Promise.all([
    bundleWorker('wrangler.toml', join(directory, 'issuer')),
    bundleWorker(MCP_CONFIG, join(directory, 'mcp')),
  ]);
  issuer = await startWorkers([
    {
      name: 'portcullis',
      scriptPath: issuerScript,
      compatibilityDate: compatibilityDateOf('wrangler.toml'),
      bindings: {
        ISSUER,
        SIGNING_KEYS: JSON.stringify(await generateSigningKeySet(['ES256'])),
        REGISTRATION_POLICY: 'open',
        RESOURCES: MCP_RESOURCE,
        SCOPES: JSON.stringify(SCOPES),
        CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST: 'true',
      },
      d1Databases: { DB: 'portcullis-mcp' },
    },
  ]);
  await migrate(issuer, 'portcullis');
  mcp = await startWorkers([
    {
      name: 'mcp',
      scriptPath: mcpScript,
      compatibilityDate: compatibilityDateOf(MCP_CONFIG),
      bindings: { ISSUER_URL: ISSUER, RESOURCE: MCP_RESOURCE, JWKS_URL: '' },
      serviceBindings: {
        AUTH: async (request: MiniflareRequest) => {
          issuerCallsFromMcp.push(new URL(request.url).pathname);
          return issuer.dispatchFetch(request.url, { method: request.method, headers: request.headers });
        },
      },
    },
  ]);
  const signup = await route(`${ISSUER}/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(user),
  });
  expect(signup.status).toBeLessThan(400);
}, 180_000);

afterAll(async () => {
  await client?.close();
  await Promise.all([mcp?.dispose(), issuer?.dispose()]);
  documentServer?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('the MCP SDK client against examples/mcp-server and the issuer', () => {
  it('answers an unauthenticated request with 401 naming its RFC 9728 metadata and scope', async () => {
    const response = await route(MCP_RESOURCE, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${MCP_RESOURCE}", resource_metadata="${MCP_ORIGIN}/.well-known/oauth-protected-resource/mcp", scope="unicorns:read"`,
    );
    const metadata = await route(`${MCP_ORIGIN}/.well-known/oauth-protected-resource/mcp`);
    expect(await metadata.json()).toEqual({
      resource: MCP_RESOURCE,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      scopes_supported: ['unicorns:read', 'unicorns:write'],
      resource_name: 'Portcullis unicorns (MCP)',
    });
  });

  it('discovers, registers, authorizes with PKCE and resource, and lists the tools', async () => {
    client = new Client({ name: 'portcullis-e2e', version: '1.0.0' });
    await expect(client.connect(transport())).rejects.toThrow(/Unauthorized/);
    expect(provider.registrations).toBe(1);
    const url = provider.authorizationUrl!;
    expect(url.origin + url.pathname).toBe(`${ISSUER}/oauth/authorize`);
    expect(url.searchParams.get('resource')).toBe(MCP_RESOURCE);
    expect(url.searchParams.get('scope')).toBe('unicorns:read');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    const code = await completeAuthorization();
    expect(pages.consentPage).toContain('<li>See the unicorns through the MCP tools</li>');
    const first = transport();
    await first.finishAuth(code);
    const claims = decodeJwt(provider.saved!.access_token);
    expect(claims).toMatchObject({ iss: ISSUER, aud: MCP_RESOURCE, scope: 'unicorns:read' });
    expect(provider.saved!.refresh_token).toBeDefined();

    client = new Client({ name: 'portcullis-e2e', version: '1.0.0' });
    await client.connect(first);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['create_unicorn', 'get_unicorn', 'list_unicorns']);
    const listed = await client.callTool({ name: 'list_unicorns', arguments: {} });
    expect(JSON.stringify(listed.content)).toContain('Rainbow Dash');
    // The verifier fetched the JWKS once; every later request was verified locally.
    expect(issuerCallsFromMcp).toEqual(['/.well-known/jwks.json']);
  });

  it('steps up through consent when a tool answers 403 insufficient_scope', async () => {
    const direct = await route(MCP_RESOURCE, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        Authorization: `Bearer ${provider.saved!.access_token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'create_unicorn', arguments: { name: 'x' } },
      }),
    });
    expect(direct.status).toBe(403);
    expect(direct.headers.get('www-authenticate')).toContain(
      'error="insufficient_scope", error_description="the access token lacks the scope this request requires: unicorns:read unicorns:write", scope="unicorns:read unicorns:write"',
    );

    const create = { name: 'create_unicorn', arguments: { name: 'Sparkle', color: 'pink' } };
    await expect(client.callTool(create)).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl?.searchParams.get('scope')).toBe('unicorns:read unicorns:write');
    const code = await completeAuthorization();
    // The grant already had unicorns:read; the page asks for both, as RFC 6749 §3.3 scopes are granted per request.
    expect(pages.consentPage).toContain('<li>Create unicorns through the MCP tools</li>');
    await auth(provider, { serverUrl: MCP_RESOURCE, authorizationCode: code, fetchFn: clientFetch });
    provider.pendingScope = [];
    expect(decodeJwt(provider.saved!.access_token).scope).toBe('unicorns:read unicorns:write');

    const created = await client.callTool(create);
    expect(created.isError).toBeFalsy();
    expect(JSON.stringify(created.content)).toContain('Sparkle');
    expect(provider.registrations).toBe(1);
  });

  it('refreshes the token with the SDK and keeps working', async () => {
    const before = provider.saved!;
    expect(await auth(provider, { serverUrl: MCP_RESOURCE, fetchFn: clientFetch })).toBe('AUTHORIZED');
    expect(provider.saved!.access_token).not.toBe(before.access_token);
    expect(provider.saved!.refresh_token).not.toBe(before.refresh_token);
    const listed = await client.callTool({ name: 'list_unicorns', arguments: {} });
    expect(JSON.stringify(listed.content)).toContain('Sparkle');
  });

  it('refuses a token for another resource, and the sample API refuses the MCP server token (RFC 8707)', async () => {
    const registered = (await (
      await route(`${ISSUER}/oauth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_types: ['client_credentials'], scope: 'read' }),
      })
    ).json()) as { client_id: string; client_secret: string };
    const token = (await (
      await route(`${ISSUER}/oauth/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${btoa(`${registered.client_id}:${registered.client_secret}`)}`,
        },
        body: 'grant_type=client_credentials&scope=read',
      })
    ).json()) as { access_token: string };
    expect(decodeJwt(token.access_token).aud).toBe(`${ISSUER}/api`);
    const atMcp = await route(MCP_RESOURCE, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token.access_token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(atMcp.status).toBe(401);
    expect(atMcp.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const atApi = await route(`${ISSUER}/api/unicorns`, {
      headers: { Authorization: `Bearer ${provider.saved!.access_token}` },
    });
    expect(atApi.status).toBe(401);
    expect(atApi.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('the MCP SDK client known by a Client ID Metadata Document', () => {
  /** Connects a client known by the document at `path`: the 401, consent (naming the host), the code, the tools. */
  async function connectWithDocument(path: string, addClientAuthentication?: AddClientAuthentication) {
    const clientId = `${documentOrigin}${path}`;
    const pagesBefore = pages.consentPage;
    provider = new TestProvider(clientId, addClientAuthentication);
    const metadataClient = new Client({ name: 'portcullis-e2e-cimd', version: '1.0.0' });
    await expect(metadataClient.connect(transport())).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(clientId);
    const code = await completeAuthorization();
    expect(pages.consentPage).not.toBe(pagesBefore);
    expect(pages.consentPage).toContain(`Application published by <strong>${new URL(clientId).host}</strong>`);
    expect(pages.consentPage).toContain(String(documentAt(path)!.client_name));
    const connected = transport();
    await connected.finishAuth(code);
    expect(decodeJwt(provider.saved!.access_token)).toMatchObject({ client_id: clientId, aud: MCP_RESOURCE });
    await metadataClient.connect(connected);
    expect((await metadataClient.listTools()).tools).toHaveLength(3);
    await metadataClient.close();
  }

  it('skips registration: the issuer fetches the document once, consent names its host, and the tools work', async () => {
    await connectWithDocument(PUBLIC_DOCUMENT_PATH);
    // Fetched once over TLS by the issuer's workerd, then served from its cache (max-age=300).
    expect(documentFetches).toEqual([PUBLIC_DOCUMENT_PATH]);
  });

  it('authenticates a document client with private_key_jwt, the SDK signing the assertions, and refreshes', async () => {
    const clientId = `${documentOrigin}${KEY_DOCUMENT_PATH}`;
    const signAssertion = createPrivateKeyJwtAuth({
      issuer: clientId,
      subject: clientId,
      privateKey: { ...clientKey.privateJwk },
      alg: 'ES256',
      lifetimeSeconds: 60,
    });
    const assertions: string[] = [];
    const addClientAuthentication: AddClientAuthentication = async (headers, params, url, metadata) => {
      await signAssertion(headers, params, url, metadata);
      assertions.push(params.get('client_assertion')!);
    };
    await connectWithDocument(KEY_DOCUMENT_PATH, addClientAuthentication);
    expect(decodeJwt(assertions[0]!)).toMatchObject({ iss: clientId, sub: clientId, aud: ISSUER });
    expect(await auth(provider, { serverUrl: MCP_RESOURCE, fetchFn: clientFetch })).toBe('AUTHORIZED');
    expect(assertions).toHaveLength(2);
    expect(documentFetches).toEqual([PUBLIC_DOCUMENT_PATH, KEY_DOCUMENT_PATH]);

    // The same code exchange without the key is not this client: `none` is not what its document names.
    const anonymous = await route(`${ISSUER}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: provider.saved!.refresh_token!,
        client_id: clientId,
      }).toString(),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });
});
