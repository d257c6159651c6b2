// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): the document's validation (§4.1), every
// SSRF guard of the fetch (§6: https only, no redirect, no private address, size and time limits), the cache and its
// single refetch, discovery, and an authorization through the consent page (the host shown) to a token (§4).
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientMetadataPolicy } from '../../src/oauth/client-records';
import { clientFromMetadataDocument, isMetadataDocumentUrl } from '../../src/oauth/client-id-metadata-document';
import { fetchMetadataDocument, isPrivateAddressLiteral } from '../../src/oauth/metadata-document-fetch';
import { DEFAULT_SCOPE_DEFINITIONS } from '../../src/oauth/scope-definitions';
import { storesFor } from '../../src/storage/stores';
import { createTestApp } from '../helpers/app';
import { codeRequest, redirectParams, signedInBrowserOn } from '../helpers/authorize';
import {
  DOCUMENT,
  DOCUMENT_CLIENT_ID,
  DOCUMENT_REDIRECT,
  type DocumentServer,
  documentServer,
  freshDocumentUrl,
} from '../helpers/metadata-documents';

const CLIENT_ID = DOCUMENT_CLIENT_ID;
const REDIRECT = DOCUMENT_REDIRECT;
/** A public EC key (RFC 7517 appendix A.1). */
const PUBLIC_JWKS = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4',
      y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM',
    },
  ],
};
const POLICY = clientMetadataPolicy(DEFAULT_SCOPE_DEFINITIONS, {
  firstParty: false,
  idTokenSigningAlgorithms: ['ES256'],
});

const fetchWith = (server: DocumentServer, url = CLIENT_ID) =>
  fetchMetadataDocument(url, { fetch: server.fetch, allowLoopbackHttp: false, timeoutMs: 200 });

describe('the document (draft §4.1)', () => {
  it('becomes a public client named by its URL', () => {
    expect(clientFromMetadataDocument(CLIENT_ID, DOCUMENT, POLICY)).toMatchObject({
      id: CLIENT_ID,
      name: 'Example MCP client',
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      redirectUris: [REDIRECT],
      scopes: ['read'],
      secretHash: null,
      registrant: 'metadata-document',
    });
  });

  it('becomes a confidential client with the keys of its jwks for private_key_jwt', () => {
    const document = { ...DOCUMENT, token_endpoint_auth_method: 'private_key_jwt', jwks: PUBLIC_JWKS };
    expect(clientFromMetadataDocument(CLIENT_ID, document, POLICY)).toMatchObject({
      type: 'confidential',
      tokenEndpointAuthMethod: 'private_key_jwt',
      metadata: { jwks: PUBLIC_JWKS },
      secretHash: null,
    });
  });

  it.each<[string, object, RegExp]>([
    ['a client_id other than its URL', { client_id: 'https://evil.example/metadata.json' }, /names another client_id/],
    ['no client_name', { client_name: undefined }, /has no client_name/],
    ['a client_secret', { client_secret: 's3cret' }, /must not contain client_secret/],
    ...['client_secret_basic', 'client_secret_post', 'client_secret_jwt'].map((method): [string, object, RegExp] => [
      `the secret-based auth method ${method}`,
      { token_endpoint_auth_method: method },
      /must use token_endpoint_auth_method none or private_key_jwt/,
    ]),
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, /jwks or jwks_uri is required/],
    [
      'private_key_jwt with both jwks and jwks_uri (RFC 7591 §2)',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: PUBLIC_JWKS, jwks_uri: 'https://client.example/jwks' },
      /jwks must not be sent together with jwks_uri/,
    ],
    [
      'a private key in jwks',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      /must be a public key/,
    ],
    ['the client_credentials grant', { grant_types: ['client_credentials'] }, /grant types/],
    ['an http redirect URI', { redirect_uris: ['http://client.example/cb'] }, /is invalid/],
  ])('refuses %s', (_, change, message) => {
    expect(() => clientFromMetadataDocument(CLIENT_ID, { ...DOCUMENT, ...change }, POLICY)).toThrow(message);
  });

  it.each([
    ['http://client.example/metadata.json', false],
    ['https://client.example', false],
    ['https://client.example/', false],
    ['https://user:pw@client.example/m.json', false],
    ['https://client.example/a/../m.json', false],
    ['https://client.example/m.json#x', false],
    ['an-opaque-client-id', false],
    [CLIENT_ID, true],
  ])('%s names a document: %s (draft §3)', (id, expected) => {
    expect(isMetadataDocumentUrl(id, false)).toBe(expected);
  });
});

describe('fetching it (draft §6, SSRF)', () => {
  it('asks for JSON without following redirects, and takes the cache lifetime from Cache-Control', async () => {
    const server = documentServer(() => Response.json(DOCUMENT, { headers: { 'Cache-Control': 'max-age=600' } }));
    expect(await fetchWith(server)).toEqual({ document: DOCUMENT, cacheSeconds: 600 });
    expect(server.requests[0]!.redirect).toBe('manual');
    expect(server.requests[0]!.headers.get('accept')).toBe('application/json');
  });

  it('caps the cache lifetime at a day and keeps nothing for no-store', async () => {
    const long = documentServer(() => Response.json(DOCUMENT, { headers: { 'Cache-Control': 'max-age=99999999' } }));
    expect((await fetchWith(long)).cacheSeconds).toBe(86400);
    const none = documentServer(() => Response.json(DOCUMENT, { headers: { 'Cache-Control': 'no-store' } }));
    expect((await fetchWith(none)).cacheSeconds).toBe(0);
  });

  it('refuses a non-https URL without fetching it', async () => {
    const server = documentServer();
    await expect(fetchWith(server, 'http://client.example/metadata.json')).rejects.toThrow(/not an https URL/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a redirect', async () => {
    const server = documentServer(() => new Response(null, { status: 302, headers: { Location: 'http://10.0.0.1/' } }));
    await expect(fetchWith(server)).rejects.toThrow(/redirects, which is not followed/);
  });

  it.each([
    'https://127.0.0.1/m.json',
    'https://10.1.2.3/m.json',
    'https://[::1]/m.json',
    'https://169.254.169.254/m.json',
    'https://localhost/m.json',
    'https://[fd00::1]/m.json',
    'https://0x7f.1/m.json',
  ])('refuses the private or loopback address %s without fetching it', async (url) => {
    const server = documentServer();
    await expect(fetchWith(server, url)).rejects.toThrow(/private or loopback address/);
    expect(server.requests).toHaveLength(0);
  });

  it('tells public address literals from private ones', () => {
    expect(isPrivateAddressLiteral('93.184.215.14')).toBe(false);
    expect(isPrivateAddressLiteral('[2606:4700::1]')).toBe(false);
    expect(isPrivateAddressLiteral('172.20.0.1')).toBe(true);
    expect(isPrivateAddressLiteral('[::ffff:192.168.0.1]')).toBe(true);
  });

  it('refuses a document over 5 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ ...DOCUMENT, padding: 'x'.repeat(6000) });
    await expect(fetchWith(documentServer(() => new Response(big)))).rejects.toThrow(/too large/);
    const streamed = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    await expect(fetchWith(documentServer(() => new Response(streamed)))).rejects.toThrow(/too large/);
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const hanging = {
      fetch: (request: Request) =>
        new Promise<Response>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        ),
    };
    await expect(
      fetchMetadataDocument(CLIENT_ID, { fetch: hanging.fetch, allowLoopbackHttp: false, timeoutMs: 50 }),
    ).rejects.toThrow(/could not be fetched in time/);
  });

  it('allows http://localhost only when development allows it', async () => {
    const url = 'http://localhost:8788/metadata.json';
    const server = documentServer(() => Response.json({ ...DOCUMENT, client_id: url }));
    await expect(fetchWith(server, url)).rejects.toThrow(/not an https URL/);
    const local = await fetchMetadataDocument(url, { fetch: server.fetch, allowLoopbackHttp: true });
    expect(local.document).toMatchObject({ client_id: url });
  });

  it.each(['https://localhost:8443/metadata.json', 'https://127.0.0.1:8443/metadata.json'])(
    'allows the https loopback document %s only when development allows it',
    async (url) => {
      const server = documentServer(() => Response.json({ ...DOCUMENT, client_id: url }));
      await expect(fetchWith(server, url)).rejects.toThrow(/private or loopback address/);
      const local = await fetchMetadataDocument(url, { fetch: server.fetch, allowLoopbackHttp: true });
      expect(local.document).toMatchObject({ client_id: url });
    },
  );
});

describe('a document client at the endpoints', () => {
  const signedInOn = async (testApp: ReturnType<typeof createTestApp>) => (await signedInBrowserOn(testApp)).browser;

  it('is advertised in discovery', async () => {
    const testApp = createTestApp();
    const metadata = await (await testApp.request('/.well-known/oauth-authorization-server')).json<
      Record<string, unknown>
    >();
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    const off = createTestApp({ CLIENT_METADATA_DOCUMENTS: 'false' });
    const without = await (await off.request('/.well-known/oauth-authorization-server')).json<
      Record<string, unknown>
    >();
    expect(without).not.toHaveProperty('client_id_metadata_document_supported');
  });

  it('authorizes through consent, showing the publishing host, and redeems the code with PKCE', async () => {
    const clientId = freshDocumentUrl();
    const server = documentServer(() => Response.json({ ...DOCUMENT, client_id: clientId }));
    const testApp = createTestApp({}, { fetchDocument: server.fetch });
    const browser = await signedInOn(testApp);
    const client = { id: clientId } as Parameters<typeof codeRequest>[0];
    const request = await codeRequest(client, { scope: 'read', redirect_uri: REDIRECT, nonce: undefined });
    expect((await browser.get(request.path)).status).toBe(200);
    expect(browser.html).toContain('Application published by <strong>client.example</strong>');
    expect(browser.html).toContain('Example MCP client');
    const consent = await browser.submit('/oauth/authorize/consent', {
      authorization_request: /name="authorization_request" value="([^"]*)"/
        .exec(browser.html)![1]!
        .replaceAll('&amp;', '&'),
      decision: 'allow',
    });
    const { code } = redirectParams(consent, REDIRECT);
    const token = await testApp.request('/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: REDIRECT,
        code_verifier: request.verifier,
        client_id: clientId,
      }).toString(),
    });
    expect(token.status).toBe(200);
    expect(decodeJwt((await token.json<{ access_token: string }>()).access_token)).toMatchObject({
      client_id: clientId,
      scope: 'read',
    });
    // One fetch served the authorization, the consent and the token request (the isolate's cache).
    expect(server.requests).toHaveLength(1);

    // The user's authorizations list it per (user, client_id), with its host, and revoking it forgets the consent.
    await browser.get('/account/authorizations');
    expect(browser.html).toContain('<strong>Example MCP client</strong>');
    expect(browser.html).toContain('(Application published by <strong>client.example</strong>)');
    const revoked = await browser.submit(`/account/authorizations/${encodeURIComponent(clientId)}/revoke`, {});
    expect(revoked.status).toBe(303);
    await browser.get('/account/authorizations');
    expect(browser.html).not.toContain('Example MCP client');
    expect((await browser.get(request.path)).status).toBe(200);
    expect(browser.html).toContain('action="/oauth/authorize/consent"');
  });

  it('fetches the document again, once, for a redirect URI the cached copy does not list', async () => {
    const clientId = freshDocumentUrl();
    let redirectUris = [REDIRECT];
    const server = documentServer(() =>
      Response.json({ ...DOCUMENT, client_id: clientId, redirect_uris: redirectUris }),
    );
    const testApp = createTestApp({}, { fetchDocument: server.fetch });
    const browser = await signedInOn(testApp);
    const client = { id: clientId } as Parameters<typeof codeRequest>[0];
    expect(
      (await browser.get((await codeRequest(client, { scope: 'read', redirect_uri: REDIRECT })).path)).status,
    ).toBe(200);
    redirectUris = [REDIRECT, 'https://client.example/new-callback'];
    const moved = await codeRequest(client, { scope: 'read', redirect_uri: 'https://client.example/new-callback' });
    expect((await browser.get(moved.path)).status).toBe(200);
    expect(server.requests).toHaveLength(2);
    // Still unknown after the refetch: refused as a page, never redirected (RFC 6749 §4.1.2.1).
    const unknown = await codeRequest(client, { scope: 'read', redirect_uri: 'https://evil.example/cb' });
    const refused = await browser.get(unknown.path);
    expect(refused.status).toBe(400);
    expect(browser.html).toContain('The redirect_uri is not one the application registered');
    expect(server.requests).toHaveLength(3);
  });

  it('shows a refused document as an error page, not a redirect', async () => {
    const clientId = freshDocumentUrl();
    const server = documentServer(() => Response.json({ ...DOCUMENT, client_id: clientId, client_secret: 'x' }));
    const testApp = createTestApp({}, { fetchDocument: server.fetch });
    const browser = await signedInOn(testApp);
    const request = await codeRequest({ id: clientId } as Parameters<typeof codeRequest>[0], {
      redirect_uri: REDIRECT,
    });
    const response = await browser.get(request.path);
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
    expect(browser.html).toContain('must not contain client_secret');
  });
});

describe('CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST', () => {
  it('is refused with an issuer that is not on loopback (off in production)', () => {
    expect(() => createTestApp({ CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST: 'true' })).toThrow(
      /CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST is for local development/,
    );
    expect(
      createTestApp({ ISSUER: 'http://127.0.0.1:8787', CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST: 'true' }).config
        .clientMetadataDocuments,
    ).toEqual({ enabled: true, allowLoopbackHttp: true });
  });
});

describe('the mirrored client record', () => {
  it('follows a changed document, and two first requests at once both succeed', async () => {
    const clientId = freshDocumentUrl();
    let name = 'First name';
    const server = documentServer(() =>
      Response.json(
        { ...DOCUMENT, client_id: clientId, client_name: name },
        { headers: { 'Cache-Control': 'no-store' } },
      ),
    );
    const testApp = createTestApp({}, { fetchDocument: server.fetch });
    const { browser } = await signedInBrowserOn(testApp);
    const client = { id: clientId } as Parameters<typeof codeRequest>[0];
    const paths = await Promise.all(
      [1, 2].map(async () => (await codeRequest(client, { scope: 'read', redirect_uri: REDIRECT })).path),
    );
    const statuses = await Promise.all(paths.map(async (path) => (await browser.get(path)).status));
    expect(statuses).toEqual([200, 200]);
    expect((await storesFor(env.DB).clients.findById(clientId))?.name).toBe('First name');
    name = 'Renamed';
    expect((await browser.get(paths[0]!)).status).toBe(200);
    expect(browser.html).toContain('Renamed');
    expect((await storesFor(env.DB).clients.findById(clientId))?.name).toBe('Renamed');
  });
});
