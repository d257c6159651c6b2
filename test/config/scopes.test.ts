// Operator-defined API scopes (SCOPES, oauth/scope-definitions.ts): parsing and its refusals, discovery and RFC 9728
// scopes_supported following the configuration, registration by client type, scopes bound to their resources, the
// consent page's descriptions, and the step-up policy for openly registered clients (docs/mcp.md).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_SCOPE_DEFINITIONS, parseScopeDefinitions } from '../../src/oauth/scope-definitions';
import { createPublicCodeClient } from '../helpers/authorization';
import { codeRequest, redirectParams, signedInBrowser, signedInBrowserOn } from '../helpers/authorize';
import { createTestApp } from '../helpers/app';
import { TEST_AUDIENCE } from '../helpers/constants';
import { register } from '../helpers/registration';

const MCP_RESOURCE = 'https://mcp.example/mcp';
const SCOPES = JSON.stringify({
  'mcp:tools': { description: 'Use the unicorn tools', resources: [MCP_RESOURCE] },
  'mcp:admin': { description: 'Delete unicorns', resources: [MCP_RESOURCE], public_clients: false },
  read: { description: 'Read your unicorns' },
});
const CUSTOM = { SCOPES, RESOURCES: MCP_RESOURCE, REGISTRATION_POLICY: 'open' };

describe('SCOPES', () => {
  it('defaults to read and write for every resource, public clients included', () => {
    expect(loadConfig(env).scopes).toEqual(DEFAULT_SCOPE_DEFINITIONS);
    expect(loadConfig(env).apiScopes).toEqual(['read', 'write']);
  });

  it('reads descriptions, resources and the public-client rule', () => {
    expect(parseScopeDefinitions(SCOPES)).toEqual([
      { name: 'mcp:tools', description: 'Use the unicorn tools', resources: [MCP_RESOURCE], publicClients: true },
      { name: 'mcp:admin', description: 'Delete unicorns', resources: [MCP_RESOURCE], publicClients: false },
      { name: 'read', description: 'Read your unicorns', resources: undefined, publicClients: true },
    ]);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /JSON object/],
    ['{}', /at least one scope/],
    ['{"openid":{"description":"x"}}', /OpenID Connect scope/],
    ['{"a b":{"description":"x"}}', /single scope token/],
    ['{"a":{}}', /description/],
    ['{"a":{"description":"x","resources":["not a url"]}}', /resources/],
    ['{"a":{"description":"x","resources":["https://r.example/#f"]}}', /resources/],
    ['{"a":{"description":"x","public_clients":"no"}}', /public_clients/],
  ])('refuses %s', (value, message) => {
    expect(() => loadConfig({ ...env, SCOPES: value })).toThrow(ConfigError);
    expect(() => parseScopeDefinitions(value)).toThrow(message);
  });
});

describe('configured scopes on the wire', () => {
  it('lists them in discovery scopes_supported, after the OpenID scopes', async () => {
    const { request } = createTestApp(CUSTOM);
    const metadata = await (await request('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    expect(metadata.scopes_supported).toEqual([
      'openid',
      'profile',
      'email',
      'offline_access',
      'mcp:tools',
      'mcp:admin',
      'read',
    ]);
  });

  it('gives the sample API (RFC 9728 §2) only the scopes that apply to it', async () => {
    const { request } = createTestApp(CUSTOM);
    const document = await (await request('/.well-known/oauth-protected-resource/api')).json<Record<string, unknown>>();
    expect(document.scopes_supported).toEqual(['read']);
  });

  it('registers a configured scope, and refuses a confidential-only one to a public client (RFC 7591 §3.2.2)', async () => {
    const { request } = createTestApp(CUSTOM);
    const sender = (path: string, init?: RequestInit) => request(path, init);
    const metadata = { redirect_uris: ['https://app.example/callback'], token_endpoint_auth_method: 'none' };
    const ok = await register({ ...metadata, scope: 'mcp:tools' }, {}, sender);
    expect(ok.response.status).toBe(201);
    expect(ok.body.scope).toBe('mcp:tools');
    const refused = await register({ ...metadata, scope: 'mcp:admin' }, {}, sender);
    expect(refused.response.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_client_metadata' });
    const confidential = await register(
      { ...metadata, token_endpoint_auth_method: 'client_secret_basic', scope: 'mcp:admin' },
      {},
      sender,
    );
    expect(confidential.response.status).toBe(201);
  });

  it('refuses a scope for a resource it does not apply to (RFC 8707 §2, invalid_scope)', async () => {
    const testApp = createTestApp(CUSTOM);
    const { client } = await createPublicCodeClient({ scopes: ['mcp:tools', 'read'] });
    const { browser } = await signedInBrowserOn(testApp);
    // No resource: the token is for the sample API, which mcp:tools does not apply to.
    const request = await codeRequest(client, { scope: 'mcp:tools' });
    expect(redirectParams(await browser.get(request.path))).toMatchObject({ error: 'invalid_scope' });
    const forMcp = await codeRequest(client, { scope: 'mcp:tools read', resource: MCP_RESOURCE });
    expect((await browser.get(forMcp.path)).status).toBe(200);
  });

  it("shows each scope's configured description on the consent page", async () => {
    const testApp = createTestApp(CUSTOM);
    const { client } = await createPublicCodeClient({ scopes: ['openid', 'mcp:tools'] });
    const { browser } = await signedInBrowserOn(testApp);
    const request = await codeRequest(client, { scope: 'openid mcp:tools', resource: MCP_RESOURCE });
    expect((await browser.get(request.path)).status).toBe(200);
    expect(browser.html).toContain('<li>Use the unicorn tools</li>');
    expect(browser.html).toContain('<li>Know who you are (your account identifier)</li>');
  });
});

describe('step-up for openly registered clients', () => {
  it('lets a client of the open policy ask beyond its registered scope, with consent for all of it', async () => {
    const { client } = await createPublicCodeClient({ scopes: ['read'], registrant: 'ip:203.0.113.9' });
    const { browser } = await signedInBrowser();
    const request = await codeRequest(client, { scope: 'read write', resource: TEST_AUDIENCE });
    expect((await browser.get(request.path)).status).toBe(200);
    expect(browser.html).toContain('<li>Read your data</li>');
    expect(browser.html).toContain('<li>Create, change and delete your data</li>');
  });

  it('keeps the registered scope as the default when the request names none', async () => {
    const { client } = await createPublicCodeClient({ scopes: ['read'], registrant: 'ip:203.0.113.9' });
    const { browser } = await signedInBrowser();
    const request = await codeRequest(client, { scope: undefined });
    expect((await browser.get(request.path)).status).toBe(200);
    expect(browser.html).toContain('<li>Read your data</li>');
    expect(browser.html).not.toContain('Create, change and delete your data');
  });

  it('keeps the registered scope as the ceiling for a client the operator set up (RFC 6749 §3.3)', async () => {
    const { client } = await createPublicCodeClient({ scopes: ['read'], registrant: null });
    const { browser } = await signedInBrowser();
    const request = await codeRequest(client, { scope: 'read write' });
    expect(redirectParams(await browser.get(request.path))).toMatchObject({
      error: 'invalid_scope',
      error_description: 'the client may not request: write',
    });
  });

  it('does not offer a confidential-only scope to an openly registered public client', async () => {
    const testApp = createTestApp(CUSTOM);
    const { client } = await createPublicCodeClient({ scopes: ['mcp:tools'], registrant: 'ip:203.0.113.9' });
    const { browser } = await signedInBrowserOn(testApp);
    const request = await codeRequest(client, { scope: 'mcp:tools mcp:admin', resource: MCP_RESOURCE });
    expect(redirectParams(await browser.get(request.path))).toMatchObject({
      error: 'invalid_scope',
      error_description: 'the client may not request: mcp:admin',
    });
  });
});
