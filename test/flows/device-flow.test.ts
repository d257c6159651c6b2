// The device authorization grant (RFC 8628) end to end over HTTP: the device authorization response (§3.2), the
// user's step on /device (§3.3), and polling (§3.4–3.5): authorization_pending, slow_down with an interval that grows
// by 5 s, access_denied, expired_token, a code redeemed once and only by its client, and user-code guessing bounded.
import { env } from 'cloudflare:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceAuthorizationResponse,
  USER_CODE_ALPHABET,
  USER_CODE_ATTEMPTS,
  normalizeUserCode,
} from '../../src/oauth/device-authorization';
import { storesFor } from '../../src/storage/stores';
import type { Client } from '../../src/storage/types';
import { expectOAuthError, postAsClient, type TokenSet } from '../helpers/authorization';
import { signedInBrowser } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient, type TestClient } from '../helpers/clients';
import { TEST_ISSUER } from '../helpers/constants';
import { send } from '../helpers/http';
import { register } from '../helpers/registration';
import { createProofKey, expectBoundRefreshRefused, tokenProof } from '../helpers/dpop';
import { createTestUser } from '../helpers/users';

afterEach(() => {
  vi.useRealTimers();
});

function createDeviceClient(overrides: Partial<Client> = {}): Promise<TestClient> {
  return createTestClient({
    grantTypes: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
    redirectUris: [],
    responseTypes: [],
    scopes: ['openid', 'profile', 'offline_access', 'read'],
    ...overrides,
  });
}

async function startDevice(
  testClient: TestClient,
  scope = 'openid offline_access read',
): Promise<DeviceAuthorizationResponse> {
  const response = await postAsClient(testClient, '/oauth/device_authorization', { scope });
  expect(response.status).toBe(200);
  return response.json<DeviceAuthorizationResponse>();
}

function poll(testClient: TestClient, deviceCode: string): Promise<Response> {
  return postAsClient(testClient, '/oauth/token', { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode });
}

/** The user's step on /device: enter the code (as typed), then allow or deny on the consent page. */
async function answer(browser: TestBrowser, typedCode: string, decision: 'allow' | 'deny'): Promise<Response> {
  await browser.get(`/device?user_code=${encodeURIComponent(typedCode)}`);
  const consent = await browser.submit('/device', { user_code: typedCode });
  expect(consent.status).toBe(200);
  return browser.submit('/device/consent', { user_code: typedCode, decision });
}

describe('POST /oauth/device_authorization (RFC 8628 §3.1–3.2)', () => {
  it('answers a device code, a typeable user code, the verification URIs, expires_in and interval', async () => {
    const authorization = await startDevice(await createDeviceClient());
    expect(authorization).toEqual({
      device_code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user_code: expect.stringMatching(new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`)),
      verification_uri: `${TEST_ISSUER}/device`,
      verification_uri_complete: `${TEST_ISSUER}/device?user_code=${authorization.user_code}`,
      expires_in: 600,
      interval: 5,
    });
  });

  it('takes public clients by client_id alone', async () => {
    const response = await postAsClient(
      await createDeviceClient({ type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null }),
      '/oauth/device_authorization',
      { scope: 'read' },
    );
    expect(response.status).toBe(200);
  });

  it('refuses a client not registered for the grant (unauthorized_client)', async () => {
    const response = await postAsClient(await createTestClient(), '/oauth/device_authorization', { scope: 'read' });
    await expectOAuthError(
      response,
      400,
      'unauthorized_client',
      'this client may not use the device authorization grant',
    );
  });

  it('refuses a wrong client secret (invalid_client)', async () => {
    const { client } = await createDeviceClient();
    const response = await postAsClient({ client, secret: 'wrong' }, '/oauth/device_authorization', {});
    expect(response.status).toBe(401);
  });

  it('accepts the user code whatever its case and dashes (§6.1)', () => {
    expect(normalizeUserCode('bcdf-ghjk')).toBe('BCDFGHJK');
    expect(normalizeUserCode(' BCDF GHJK ')).toBe('BCDFGHJK');
    expect(normalizeUserCode('BCDF-GHJA')).toBeNull();
  });
});

describe('polling the token endpoint (RFC 8628 §3.4–3.5)', () => {
  it('answers authorization_pending, then slow_down with a 5 s longer interval each time it is polled too fast', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createDeviceClient();
    const { device_code } = await startDevice(testClient);
    await expectOAuthError(
      await poll(testClient, device_code),
      400,
      'authorization_pending',
      'the user has not answered yet',
    );
    await expectOAuthError(await poll(testClient, device_code), 400, 'slow_down', 'poll at most every 10 seconds');
    vi.setSystemTime(Date.now() + 9_000);
    await expectOAuthError(await poll(testClient, device_code), 400, 'slow_down', 'poll at most every 15 seconds');
    vi.setSystemTime(Date.now() + 15_000);
    await expectOAuthError(
      await poll(testClient, device_code),
      400,
      'authorization_pending',
      'the user has not answered yet',
    );
  });

  it('issues the code flow tokens once the user allows, and refuses the code a second time', async () => {
    const testClient = await createDeviceClient();
    const { user, browser } = await signedInBrowser();
    const { device_code, user_code } = await startDevice(testClient);
    const done = await answer(browser, user_code.toLowerCase().replace('-', ''), 'allow');
    expect(done.status).toBe(200);
    expect(browser.html).toContain('Device connected');

    const response = await poll(testClient, device_code);
    expect(response.status).toBe(200);
    const tokens = await response.json<TokenSet>();
    expect(tokens).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'openid offline_access read',
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    const keys = createLocalJWKSet(await (await send('/.well-known/jwks.json')).json());
    const { payload } = await jwtVerify(tokens.id_token!, keys, {
      issuer: TEST_ISSUER,
      audience: testClient.client.id,
    });
    expect(payload.sub).toBe(user.id);

    await expectOAuthError(
      await poll(testClient, device_code),
      400,
      'invalid_grant',
      'the device code was already used',
    );
  });

  it('answers access_denied once the user denies', async () => {
    const testClient = await createDeviceClient();
    const { browser } = await signedInBrowser();
    const { device_code, user_code } = await startDevice(testClient);
    await answer(browser, user_code, 'deny');
    expect(browser.html).toContain('Request denied');
    await expectOAuthError(await poll(testClient, device_code), 403, 'access_denied', 'the user denied the request');
  });

  it('answers expired_token after expires_in, and the code can no longer be entered', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const testClient = await createDeviceClient();
    const { browser } = await signedInBrowser();
    const { device_code, user_code } = await startDevice(testClient);
    vi.setSystemTime(Date.now() + 600_000);
    await expectOAuthError(await poll(testClient, device_code), 400, 'expired_token', 'the device code has expired');
    await browser.get('/device');
    expect((await browser.submit('/device', { user_code })).status).toBe(400);
  });

  it("refuses another client's device code as invalid_grant", async () => {
    const { device_code } = await startDevice(await createDeviceClient());
    await expectOAuthError(
      await poll(await createDeviceClient(), device_code),
      400,
      'invalid_grant',
      'the device code is invalid',
    );
  });
});

describe('the /device page (RFC 8628 §3.3, §5.1)', () => {
  it('sends a signed-out browser to the login page and back to the prefilled code', async () => {
    const response = await send('/device?user_code=BCDF-GHJK', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `/login?return_to=${encodeURIComponent('/device?user_code=BCDF-GHJK')}`,
    );
  });

  it('prefills the code, and frames nothing (frame-ancestors none)', async () => {
    const { browser } = await signedInBrowser();
    const response = await browser.get('/device?user_code=BCDF-GHJK');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(browser.html).toContain('value="BCDF-GHJK"');
  });

  it('refuses a code entry without the CSRF token', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/device');
    expect((await browser.submit('/device', { user_code: 'BCDF-GHJK' }, { csrfToken: null })).status).toBe(403);
  });

  it('bounds guessing: past the per-user limit every entry answers 429, even a right code', async () => {
    const testClient = await createDeviceClient();
    const { browser } = await signedInBrowser();
    const { user_code } = await startDevice(testClient);
    await browser.get('/device');
    for (let attempt = 0; attempt < USER_CODE_ATTEMPTS.perUser.limit; attempt++) {
      expect((await browser.submit('/device', { user_code: 'BCDF-GHJK' })).status).toBe(400);
    }
    const right = await browser.submit('/device', { user_code });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('bounds guessing per address too: new accounts from one address share its limit', async () => {
    const clientIp = '192.0.2.44';
    const { perUser, perAddress } = USER_CODE_ATTEMPTS;
    let entries = 0;
    while (entries < perAddress.limit) {
      const { user, password } = await createTestUser();
      const browser = new TestBrowser({ clientIp });
      await loginAs(browser, user.username, password, '/device');
      await browser.get('/device');
      for (let attempt = 0; attempt < perUser.limit && entries < perAddress.limit; attempt++, entries++) {
        expect((await browser.submit('/device', { user_code: 'BCDF-GHJK' })).status).toBe(400);
      }
    }
    const { user, password } = await createTestUser();
    const fresh = new TestBrowser({ clientIp });
    await loginAs(fresh, user.username, password, '/device');
    await fresh.get('/device');
    expect((await fresh.submit('/device', { user_code: 'BCDF-GHJK' })).status).toBe(429);
  });
});

describe('discovery and registration of the device grant', () => {
  it('advertises the device authorization endpoint and the grant (RFC 8628 §4)', async () => {
    const metadata = await (await send('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.device_authorization_endpoint).toBe(`${TEST_ISSUER}/oauth/device_authorization`);
    expect(metadata.grant_types_supported).toContain(DEVICE_CODE_GRANT_TYPE);
  });

  it('registers a public client for the grant alone, without redirect URIs (RFC 7591)', async () => {
    const { response, body } = await register({
      client_name: 'TV app',
      token_endpoint_auth_method: 'none',
      grant_types: [DEVICE_CODE_GRANT_TYPE],
    });
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ grant_types: [DEVICE_CODE_GRANT_TYPE], response_types: [], redirect_uris: [] });
  });
});

describe('the developer pages and the device grant', () => {
  it('registers a public application for the device grant alone, without redirect URIs', async () => {
    const { browser, user } = await signedInBrowser();
    await browser.get('/account/applications/new');
    expect(browser.html).toContain(`name="grant_type.${DEVICE_CODE_GRANT_TYPE}"`);
    const response = await browser.submit('/account/applications/new', {
      name: 'Living-room TV',
      type: 'public',
      [`grant_type.${DEVICE_CODE_GRANT_TYPE}`]: 'on',
      'scope.read': 'on',
    });
    expect(response.status).toBe(303);
    const [client] = await storesFor(env.DB).clients.listByOwner(user.id);
    expect(client).toMatchObject({
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      redirectUris: [],
      tokenEndpointAuthMethod: 'none',
    });
  });
});

describe('the device grant with DPoP (RFC 9449 §5.0)', () => {
  it('binds a public device client refresh token to the proof key: refused without a proof or with another key', async () => {
    const testClient = await createDeviceClient({ type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null });
    const { browser } = await signedInBrowser();
    const [key, otherKey] = await Promise.all([createProofKey(), createProofKey()]);
    const { device_code, user_code } = await startDevice(testClient);
    expect((await answer(browser, user_code, 'allow')).status).toBe(200);
    const response = await postAsClient(
      testClient,
      '/oauth/token',
      { grant_type: DEVICE_CODE_GRANT_TYPE, device_code },
      { DPoP: await tokenProof(key) },
    );
    expect(response.status).toBe(200);
    const tokens = await response.json<TokenSet>();
    expect(tokens.token_type).toBe('DPoP');
    const refresh = (headers: Record<string, string>) =>
      postAsClient(
        testClient,
        '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
        headers,
      );
    await expectBoundRefreshRefused(refresh, otherKey);
    expect((await refresh({ DPoP: await tokenProof(key) })).status).toBe(200);
  });
});
