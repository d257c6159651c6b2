// The developer pages /account/applications (issue 4): a user registers, edits and deletes their own clients and
// rotates their secrets through forms validated like dynamic registration (RFC 7591 §2); a secret is shown once and
// stored hashed; other users' clients answer 404; every form needs same origin and a CSRF token; the per-owner cap.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASIC_CHALLENGE } from '../../src/oauth/client-auth';
import { createClientStore } from '../../src/storage/clients';
import { databaseFor } from '../../src/storage/db';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization, postForm } from '../helpers/http';
import { createTestUser } from '../helpers/users';

const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const CSRF_MESSAGE =
  'This form was sent from another site, or the page has expired. Go back, reload the page and try again.';
const SECRET_WARNING =
  'Copy the client secret now: this is the only time it is shown. Only a hash of it is stored, so it cannot be shown again. If you lose it, rotate the secret to get a new one.';

/** The D1 store itself: the Worker's isolate cache must not answer for what is stored. */
const storedClients = () => createClientStore(databaseFor(env.DB));

const MACHINE_APP = {
  name: 'Nightly export',
  type: 'confidential',
  'grant_type.client_credentials': 'on',
  'scope.read': 'on',
};

async function signedInBrowser() {
  const { user, password } = await createTestUser();
  const browser = new TestBrowser();
  expect((await loginAs(browser, user.username, password)).status).toBe(303);
  return { browser, user };
}

function inputValue(html: string, id: string): string | undefined {
  return new RegExp(`<input id="${id}" type="text" value="([^"]*)"`).exec(html)?.[1];
}

function formError(html: string): string | undefined {
  return /<p class="error" role="alert" id="form-error">([^<]*)<\/p>/.exec(html)?.[1];
}

/** Registers an application through the form and returns the credentials the secret page shows. */
async function registerApplication(browser: TestBrowser, fields: Record<string, string> = MACHINE_APP) {
  await browser.get('/account/applications/new');
  const response = await browser.submit('/account/applications/new', fields);
  expect(response.status).toBe(201);
  return { clientId: inputValue(browser.html, 'client-id')!, secret: inputValue(browser.html, 'client-secret')! };
}

function clientCredentialsToken(clientId: string, secret: string): Promise<Response> {
  return postForm(
    '/oauth/token',
    { grant_type: 'client_credentials' },
    { Authorization: basicAuthorization(clientId, secret) },
  );
}

async function expectInvalidClient(response: Response): Promise<void> {
  // RFC 6749 §5.2: 401 with a challenge for the Basic scheme the client used.
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(BASIC_CHALLENGE);
  expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
}

describe('the developer pages', () => {
  it('walks create → secret shown once → token → edit → rotate → delete', async () => {
    const { browser, user } = await signedInBrowser();

    // Create: the secret page, with no-store, the page CSP plus this response's script nonce, never framed.
    await browser.get('/account/applications/new');
    const created = await browser.submit('/account/applications/new', MACHINE_APP);
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const nonce = /<script nonce="([A-Za-z0-9_-]{22})">/.exec(browser.html)?.[1];
    expect(created.headers.get('content-security-policy')).toBe(
      PAGE_CSP.replace("default-src 'none'", `default-src 'none'; script-src 'nonce-${nonce}'`),
    );
    expect(browser.html).toContain(`<p class="warning" role="alert">${SECRET_WARNING}</p>`);
    expect(browser.html).toContain(
      '<button type="button" class="secondary" data-copy="client-secret" data-copied="Copied" hidden="">Copy</button>',
    );
    const clientId = inputValue(browser.html, 'client-id')!;
    const secret = inputValue(browser.html, 'client-secret')!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browser.html).toContain(
      `<input id="client-secret" type="text" value="${secret}" readonly="" autocomplete="off" spellcheck="false"/>`,
    );

    const stored = await storedClients().findById(clientId);
    expect(stored).toMatchObject({
      name: 'Nightly export',
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      responseTypes: [],
      redirectUris: [],
      scopes: ['read'],
      ownerUserId: user.id,
      registrant: null,
      registrationTokenHash: null,
      secretHash: await hashOpaqueToken(secret),
    });

    // Shown once: neither the list nor the application's page carries it again.
    for (const path of ['/account/applications', `/account/applications/${clientId}`]) {
      expect((await browser.get(path)).status).toBe(200);
      expect(browser.html).toContain(clientId);
      expect(browser.html).not.toContain(secret);
    }

    const token = await clientCredentialsToken(clientId, secret);
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ token_type: 'Bearer', scope: 'read' });

    // Edit through the same form; the secret is kept.
    const edited = await browser.submit(`/account/applications/${clientId}`, {
      ...MACHINE_APP,
      name: 'Hourly export',
      'scope.write': 'on',
    });
    expect(edited.status).toBe(303);
    expect(edited.headers.get('location')).toBe(`/account/applications/${clientId}?saved`);
    await browser.follow(edited);
    expect(browser.html).toContain('<h1>Hourly export</h1><p class="notice" role="status">Your changes are saved.</p>');
    expect(await storedClients().findById(clientId)).toMatchObject({
      name: 'Hourly export',
      scopes: ['read', 'write'],
      secretHash: await hashOpaqueToken(secret),
    });
    expect((await clientCredentialsToken(clientId, secret)).status).toBe(200);

    // Rotate: the new secret is shown once and works; the old one is refused at once.
    const rotated = await browser.submit(`/account/applications/${clientId}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(browser.html).toContain(
      '<h1>New client secret</h1><p class="notice" role="status">The previous secret no longer works.</p>',
    );
    const newSecret = inputValue(browser.html, 'client-secret')!;
    expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret).not.toBe(secret);
    await expectInvalidClient(await clientCredentialsToken(clientId, secret));
    expect((await clientCredentialsToken(clientId, newSecret)).status).toBe(200);

    // Delete: a confirmation page first; a post without its confirmation field only shows that page again.
    expect((await browser.get(`/account/applications/${clientId}/delete`)).status).toBe(200);
    expect(browser.html).toContain('<h1>Delete Hourly export?</h1>');
    expect(browser.html).toContain(
      '<input type="hidden" name="confirm" value="delete"/><button type="submit" class="danger">Delete application</button>',
    );
    const unconfirmed = await browser.submit(`/account/applications/${clientId}/delete`, {});
    expect(unconfirmed.status).toBe(200);
    expect(browser.html).toContain('<h1>Delete Hourly export?</h1>');
    expect(await storedClients().findById(clientId)).not.toBeNull();

    const deleted = await browser.submit(`/account/applications/${clientId}/delete`, { confirm: 'delete' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/account/applications');
    await browser.follow(deleted);
    expect(browser.html).toContain('<p>You have not registered any application yet.</p>');
    expect(await storedClients().findById(clientId)).toBeNull();
    await expectInvalidClient(await clientCredentialsToken(clientId, newSecret));
    expect((await browser.get(`/account/applications/${clientId}`)).status).toBe(404);
  });

  it('registers a public client without a secret and sends the browser to its page', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/applications/new');
    const response = await browser.submit('/account/applications/new', {
      name: 'Single-page app',
      type: 'public',
      'grant_type.authorization_code': 'on',
      redirect_uris: 'https://spa.example/callback\r\n\r\n  http://localhost:5173/callback  ',
      allowed_origins: 'https://spa.example',
      'scope.openid': 'on',
    });
    expect(response.status).toBe(303);
    const clientId = /^\/account\/applications\/([A-Za-z0-9_-]{22})$/.exec(response.headers.get('location') ?? '')?.[1];
    expect(await storedClients().findById(clientId!)).toMatchObject({
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: ['https://spa.example/callback', 'http://localhost:5173/callback'],
      allowedOrigins: ['https://spa.example'],
      scopes: ['openid'],
    });
    await browser.follow(response);
    expect(browser.html).toContain('<h2>Client secret</h2><p>Public clients have no secret.</p>');
    expect(browser.html).not.toContain('rotate-secret');
  });

  it('registers and changes the ID Token signing algorithm, offering only the advertised ones', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/applications/new');
    expect(browser.html).toContain(
      '<select id="id-token-alg" name="id_token_signed_response_alg"><option value="" selected="">Default (RS256)</option><option value="ES256">ES256</option><option value="RS256">RS256</option></select>',
    );
    const { clientId } = await registerApplication(browser, { ...MACHINE_APP, id_token_signed_response_alg: 'ES256' });
    expect((await storedClients().findById(clientId))?.metadata).toMatchObject({
      id_token_signed_response_alg: 'ES256',
    });
    await browser.get(`/account/applications/${clientId}`);
    expect(browser.html).toContain('<option value="ES256" selected="">ES256</option>');

    const refused = await browser.submit(`/account/applications/${clientId}`, {
      ...MACHINE_APP,
      id_token_signed_response_alg: 'HS256',
    });
    expect(refused.status).toBe(400);
    expect(formError(browser.html)).toBe(
      'ID Token signing algorithm: must be one of id_token_signing_alg_values_supported: ES256, RS256',
    );
    await browser.submit(`/account/applications/${clientId}`, { ...MACHINE_APP });
    expect((await storedClients().findById(clientId))?.metadata).not.toHaveProperty('id_token_signed_response_alg');
  });

  it('registers and clears the userinfo signing algorithm, offering only the advertised ones (OIDC Core §5.3.2)', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/applications/new');
    expect(browser.html).toContain(
      '<select id="userinfo-alg" name="userinfo_signed_response_alg"><option value="" selected="">Default (unsigned JSON)</option><option value="ES256">ES256</option><option value="RS256">RS256</option></select>',
    );
    const { clientId } = await registerApplication(browser, { ...MACHINE_APP, userinfo_signed_response_alg: 'RS256' });
    expect((await storedClients().findById(clientId))?.metadata).toMatchObject({
      userinfo_signed_response_alg: 'RS256',
    });
    await browser.get(`/account/applications/${clientId}`);
    expect(browser.html).toContain('<option value="RS256" selected="">RS256</option>');

    const refused = await browser.submit(`/account/applications/${clientId}`, {
      ...MACHINE_APP,
      userinfo_signed_response_alg: 'none',
    });
    expect(refused.status).toBe(400);
    expect(formError(browser.html)).toBe(
      'Userinfo response signing algorithm: must be one of userinfo_signing_alg_values_supported: ES256, RS256',
    );
    await browser.submit(`/account/applications/${clientId}`, { ...MACHINE_APP });
    expect((await storedClients().findById(clientId))?.metadata).not.toHaveProperty('userinfo_signed_response_alg');
  });

  it('re-renders the form with the validation error of dynamic registration and what was typed (400)', async () => {
    const { browser, user } = await signedInBrowser();
    const cases: Array<[Record<string, string>, string]> = [
      [
        { redirect_uris: 'https://ok.example/cb\nhttp://app.example/cb', 'grant_type.authorization_code': 'on' },
        'Redirect URIs, line 2: must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      ],
      [
        { 'grant_type.authorization_code': 'on' },
        'Redirect URIs: must list at least one URI for the authorization_code grant',
      ],
      [
        { type: 'public' },
        'Grant types: may include client_credentials only for confidential clients (token_endpoint_auth_method none is a public client)',
      ],
      [
        { allowed_origins: 'https://app.example/path' },
        'Allowed origins, line 1: must be an exact origin (scheme://host[:port], no path or trailing slash): https://app.example',
      ],
      [
        { redirect_uris: 'https://ok.example/c\tb', 'grant_type.authorization_code': 'on' },
        'Redirect URIs, line 1: must not contain whitespace or control characters',
      ],
      [{ name: '   ' }, 'Name: must not be empty'],
      [{ 'grant_type.client_credentials': '' }, 'Grant types: must list at least one grant type'],
      [{ 'scope.read': '' }, 'Scopes: must list at least one scope'],
    ];
    for (const [change, message] of cases) {
      await browser.get('/account/applications/new');
      const response = await browser.submit('/account/applications/new', { ...MACHINE_APP, ...change });
      expect(response.status, message).toBe(400);
      expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
      expect(formError(browser.html)).toBe(message.replaceAll('&', '&amp;'));
    }
    // What was typed stays in the form.
    expect(browser.html).toContain('<input id="name" name="name" type="text" value="Nightly export"');
    expect(browser.html).toContain(
      '<input type="checkbox" name="grant_type.client_credentials" value="on" checked=""/>',
    );
    expect(await storedClients().listByOwner(user.id)).toEqual([]);

    const { clientId } = await registerApplication(browser);
    await browser.get(`/account/applications/${clientId}`);
    const response = await browser.submit(`/account/applications/${clientId}`, {
      ...MACHINE_APP,
      name: 'Renamed',
      redirect_uris: 'https://app.example/cb#frag',
    });
    expect(response.status).toBe(400);
    expect(formError(browser.html)).toBe('Redirect URIs, line 1: must not contain a fragment');
    expect(browser.html).toContain('<h1>Nightly export</h1>');
    expect(browser.html).toContain('<input id="name" name="name" type="text" value="Renamed"');
    expect(await storedClients().findById(clientId)).toMatchObject({ name: 'Nightly export', redirectUris: [] });
  });

  it('shows the first secret once when a public client is made confidential', async () => {
    const { browser, user } = await signedInBrowser();
    const { client } = await createTestClient({
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      ownerUserId: user.id,
      grantTypes: ['refresh_token'],
    });
    await browser.get(`/account/applications/${client.id}`);
    const response = await browser.submit(`/account/applications/${client.id}`, MACHINE_APP);
    expect(response.status).toBe(200);
    expect(browser.html).toContain(
      `<h1>Client secret issued</h1><p class="warning" role="alert">${SECRET_WARNING}</p>`,
    );
    const secret = inputValue(browser.html, 'client-secret')!;
    expect(await storedClients().findById(client.id)).toMatchObject({
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      secretHash: await hashOpaqueToken(secret),
    });
    expect((await clientCredentialsToken(client.id, secret)).status).toBe(200);
  });

  it('refuses a new application beyond the per-owner cap (REGISTRATION_MAX_CLIENTS_PER_REGISTRANT, default 50) on the form', async () => {
    const { browser, user } = await signedInBrowser();
    for (let index = 0; index < 50; index++) await createTestClient({ ownerUserId: user.id });
    await browser.get('/account/applications/new');
    const response = await browser.submit('/account/applications/new', MACHINE_APP);
    expect(response.status).toBe(403);
    expect(formError(browser.html)).toBe('You already have 50 applications, the most allowed. Delete one first.');
    expect(await storedClients().listByOwner(user.id)).toHaveLength(50);
  });

  it('refuses a form without a client type the form offers', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account/applications/new');
    const response = await browser.submit('/account/applications/new', { ...MACHINE_APP, type: 'trusted' });
    expect(response.status).toBe(400);
    expect(browser.html).toContain(
      '<h1>The request could not be processed</h1><p>type must be confidential or public</p>',
    );
  });

  it("answers 404 for another user's application, on every page and action, and changes nothing", async () => {
    const owner = await signedInBrowser();
    const { clientId, secret } = await registerApplication(owner.browser);
    const { browser } = await signedInBrowser();
    await browser.get('/account/applications');

    for (const path of [
      `/account/applications/${clientId}`,
      `/account/applications/${clientId}/delete`,
      '/account/applications/no-such-client',
    ]) {
      expect((await browser.get(path)).status, path).toBe(404);
    }
    expect(browser.html).toContain('<h1>Page not found</h1><p>There is no such application among yours.</p>');
    await browser.get('/account/applications/new');
    const csrfToken = browser.csrfToken();
    for (const [path, fields] of [
      [`/account/applications/${clientId}`, { ...MACHINE_APP, name: 'Stolen' }],
      [`/account/applications/${clientId}/rotate-secret`, {}],
      [`/account/applications/${clientId}/delete`, { confirm: 'delete' }],
    ] as const) {
      expect((await browser.submit(path, fields, { csrfToken })).status, path).toBe(404);
    }
    expect(await storedClients().findById(clientId)).toMatchObject({
      name: 'Nightly export',
      secretHash: await hashOpaqueToken(secret),
    });
    expect(browser.html).not.toContain('Nightly export');
  });

  it('does not list clients the user does not own', async () => {
    const { browser, user } = await signedInBrowser();
    await createTestClient({ name: 'Somebody else’s' });
    await createTestClient({ name: 'Also mine', ownerUserId: user.id });
    await browser.get('/account/applications');
    expect(browser.html).toContain('>Also mine</a>');
    expect(browser.html).not.toContain('Somebody else');
  });

  it('refuses the application forms without a valid CSRF token or from another origin (403)', async () => {
    const { browser, user } = await signedInBrowser();
    const { clientId } = await registerApplication(browser);
    await browser.get(`/account/applications/${clientId}`);
    const csrfToken = browser.csrfToken();
    const forms: Array<[string, Record<string, string>]> = [
      ['/account/applications/new', MACHINE_APP],
      [`/account/applications/${clientId}`, { ...MACHINE_APP, name: 'Forged' }],
      [`/account/applications/${clientId}/rotate-secret`, {}],
      [`/account/applications/${clientId}/delete`, { confirm: 'delete' }],
    ];
    for (const [path, fields] of forms) {
      for (const options of [
        { origin: 'https://evil.example', csrfToken },
        { csrfToken: null },
        { csrfToken: 'A'.repeat(43) },
      ]) {
        const response = await browser.submit(path, fields, options);
        expect(response.status, `${path} ${JSON.stringify(options)}`).toBe(403);
        expect(await response.text()).toContain(`<h1>Request refused</h1><p>${CSRF_MESSAGE}</p>`);
      }
    }
    const clients = await storedClients().listByOwner(user.id);
    expect(clients.map((client) => client.name)).toEqual(['Nightly export']);
  });

  it('sends a signed-out browser to the login page, which returns it afterwards', async () => {
    const browser = new TestBrowser();
    const page = await browser.get('/account/applications/new');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fapplications%2Fnew');

    // A form post cannot be replayed after login: it returns to the list instead.
    const post = await browser.submit('/account/applications/new', MACHINE_APP, { csrfToken: 'A'.repeat(43) });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/login?return_to=%2Faccount%2Fapplications');
  });

  it('links the developer pages from the account page', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/account');
    expect(browser.html).toContain(
      '<ul><li><a href="/account/security">Security: sign-in methods, recent sign-ins</a></li><li><a href="/account/applications">Your applications</a></li><li><a href="/account/authorizations">Applications you have authorized</a></li></ul>',
    );
  });
});
