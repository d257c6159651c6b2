// Audit events (issue 15 §2): what each security-relevant action records (read from the one JSON log line each
// event gets, written before the D1 write is handed to waitUntil), that the D1 write never delays or fails a
// response, the AUDIT_TOKEN_EVENTS opt-in, the recent sign-ins on /account/security, and the cron's retention purge.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import worker from '../../src/index';
import { storesFor } from '../../src/storage/stores';
import type { AuditEvent } from '../../src/storage/types';
import { createTestApp, type TestApp } from '../helpers/app';
import { createCodeClient, createPublicCodeClient, refreshWith, signIn, type TokenSet } from '../helpers/authorization';
import { codeRequest, hiddenField, signedInBrowser } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { basicAuthorization } from '../helpers/http';
import { register, registerClientCredentialsClient, sendJson } from '../helpers/registration';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';

let log: MockInstance<typeof console.log>;

beforeEach(() => {
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The audit events logged so far, parsed from their JSON lines. */
function loggedEvents(): Array<Record<string, unknown>> {
  return log.mock.calls
    .map(([line]) => (typeof line === 'string' && line.startsWith('{"event":"audit"') ? JSON.parse(line) : null))
    .filter((event): event is Record<string, unknown> => event !== null);
}

function clientCredentialsRequest(clientId: string, secret: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization(clientId, secret),
      'User-Agent': 'nightly-export/1.0',
      'CF-Connecting-IP': '192.0.2.44',
    },
    body: 'grant_type=client_credentials&scope=read',
  };
}

/** A token request with an execution context of its own, so the test can wait for what it handed to waitUntil. */
async function tokenRequestWithContext(testApp: TestApp, clientId: string, secret: string) {
  const ctx = createExecutionContext();
  const url = 'https://issuer.test/oauth/token';
  const response = await testApp.app.request(url, clientCredentialsRequest(clientId, secret), testApp.bindings, ctx);
  return { response, ctx };
}

describe('audit events', () => {
  it('records sign-ins, failures and the lockout with address and user agent, never the password', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    for (let attempt = 0; attempt < 5; attempt++) await loginAs(browser, user.username, 'wrong password 123');
    await loginAs(browser, user.username, password);

    const events = loggedEvents();
    const failure = { type: 'login', outcome: 'failure', client_address: browser.clientIp, user_id: null };
    expect(events).toEqual([
      ...Array.from({ length: 4 }, () =>
        expect.objectContaining({ ...failure, details: { username: user.username, reason: 'invalid_credentials' } }),
      ),
      expect.objectContaining({
        ...failure,
        type: 'login_lockout',
        details: { username: user.username, reason: 'locked_now' },
      }),
      // The account is locked now: even the right password is a failed sign-in, checked before the password.
      expect.objectContaining({ ...failure, details: { username: user.username, reason: 'locked' } }),
    ]);
    expect(JSON.stringify(events)).not.toContain('wrong password');
    expect(JSON.stringify(events)).not.toContain(password);

    const other = await createTestUser();
    await loginAs(new TestBrowser({ clientIp: '198.51.100.7' }), other.user.username, TEST_PASSWORD);
    expect(loggedEvents().at(-1)).toEqual({
      event: 'audit',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(Number),
      type: 'login',
      outcome: 'success',
      user_id: other.user.id,
      client_id: null,
      client_address: '198.51.100.7',
      user_agent: null,
      details: null,
    });
  });

  it('writes the event to D1 through waitUntil, and neither a slow nor a failing write holds up the response', async () => {
    const { client, secret } = await createTestClient();
    const testApp = createTestApp({ AUDIT_TOKEN_EVENTS: 'true' });
    const { response, ctx } = await tokenRequestWithContext(testApp, client.id, secret);
    expect(response.status).toBe(200);
    await waitOnExecutionContext(ctx);
    const [stored] = await storesFor(env.DB).auditEvents.list({ clientId: client.id, limit: 5 });
    expect(stored).toEqual<AuditEvent>({
      id: expect.any(String),
      at: expect.any(Number),
      type: 'token_issued',
      outcome: 'success',
      userId: null,
      clientId: client.id,
      clientAddress: '192.0.2.44',
      userAgent: 'nightly-export/1.0',
      details: { grant_type: 'client_credentials', scope: 'read' },
    });
    const { access_token: accessToken } = await response.json<{ access_token: string }>();
    expect(JSON.stringify(stored)).not.toContain(accessToken);

    const record = vi.spyOn(storesFor(testApp.bindings.DB).auditEvents, 'record');
    record.mockImplementation(() => new Promise(() => undefined));
    expect((await testApp.request('/oauth/token', clientCredentialsRequest(client.id, secret))).status).toBe(200);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    record.mockRejectedValue(new Error('D1_ERROR: database is locked'));
    const failing = await tokenRequestWithContext(testApp, client.id, secret);
    expect(failing.response.status).toBe(200);
    await waitOnExecutionContext(failing.ctx);
    expect(errors).toHaveBeenCalledWith('audit event write failed:', expect.any(Error));
  });

  it('records token issuance only with AUDIT_TOKEN_EVENTS', async () => {
    const { client, secret } = await createTestClient();
    const quiet = createTestApp();
    expect((await quiet.request('/oauth/token', clientCredentialsRequest(client.id, secret))).status).toBe(200);
    expect(loggedEvents()).toEqual([]);
  });

  it('records refresh-token reuse, which revoked the family', async () => {
    const testClient = await createCodeClient();
    const { user } = await createTestUser();
    const first = await signIn(testClient, user);
    const second = await (await refreshWith(testClient, first.refresh_token!)).json<TokenSet>();
    expect((await refreshWith(testClient, first.refresh_token!)).status).toBe(400);
    const reuse = loggedEvents().filter((event) => event.type === 'refresh_token_reuse');
    expect(reuse).toEqual([
      expect.objectContaining({ outcome: 'failure', user_id: user.id, client_id: testClient.client.id, details: null }),
    ]);
    expect(JSON.stringify(reuse)).not.toContain(first.refresh_token!);
    expect(JSON.stringify(reuse)).not.toContain(second.refresh_token!);
  });

  it('records a reuse within REFRESH_TOKEN_REUSE_INTERVAL_SECONDS as a success, which revoked nothing', async () => {
    const testApp = createTestApp({ REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: '30' });
    const testClient = await createPublicCodeClient();
    const { user } = await createTestUser();
    const first = await signIn(testClient, user);
    const refresh = () =>
      testApp.request('/oauth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: testClient.client.id,
          refresh_token: first.refresh_token!,
        }),
      });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(200);
    expect(loggedEvents().filter((event) => event.type === 'refresh_token_reuse')).toEqual([
      expect.objectContaining({
        outcome: 'success',
        user_id: user.id,
        client_id: testClient.client.id,
        details: { withinReuseInterval: true },
      }),
    ]);
  });

  it('records registration, management and a refusal by policy (RFC 7591, RFC 7592)', async () => {
    const { clientId, secret, registrationAccessToken } = await registerClientCredentialsClient();
    const management = { Authorization: `Bearer ${registrationAccessToken}` };
    const path = `/oauth/register/${clientId}`;
    const replacement = {
      client_id: clientId,
      client_secret: secret,
      client_name: 'Renamed',
      grant_types: ['client_credentials'],
    };
    expect((await sendJson(path, 'PUT', replacement, management)).status).toBe(200);
    expect((await sendJson(path, 'DELETE', undefined, management)).status).toBe(204);
    const closed = createTestApp({ REGISTRATION_POLICY: 'closed' });
    expect((await register({ client_name: 'x' }, {}, closed.request)).response.status).toBe(403);

    expect(loggedEvents().map(({ type, client_id, details }) => [type, client_id, details])).toEqual([
      ['client_created', clientId, { via: 'registration' }],
      ['client_updated', clientId, { via: 'registration_management' }],
      ['client_deleted', clientId, { via: 'registration_management' }],
      [
        'registration_refused',
        null,
        { reason: 'access_denied', description: 'dynamic client registration is closed on this server' },
      ],
    ]);
    expect(JSON.stringify(loggedEvents())).not.toContain(registrationAccessToken);
    expect(JSON.stringify(loggedEvents())).not.toContain(secret);
  });

  it('records a revoked consent and a logout', async () => {
    const { user, password } = await createTestUser();
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    const testClient = await createCodeClient();
    await storesFor(env.DB).consents.upsert({ userId: user.id, clientId: testClient.client.id, scopes: ['read'] }, 1);
    await browser.get('/account/authorizations');
    await browser.submit(`/account/authorizations/${testClient.client.id}/revoke`, {});
    await browser.get('/account');
    await browser.submit('/logout', {});
    expect(loggedEvents().map(({ type, user_id, client_id }) => [type, user_id, client_id])).toEqual([
      ['login', user.id, null],
      ['consent_revoked', user.id, testClient.client.id],
      ['logout', user.id, null],
    ]);
  });
});

describe('consent audit events', () => {
  it('records a granted consent with its scopes', async () => {
    const { client } = await createPublicCodeClient();
    const { browser, user } = await signedInBrowser();
    await browser.get((await codeRequest(client, { scope: 'openid read' })).path);
    const fields = { authorization_request: hiddenField(browser, 'authorization_request'), decision: 'allow' };
    expect((await browser.submit('/oauth/authorize/consent', fields)).status).toBe(303);
    expect(loggedEvents().filter((event) => event.type === 'consent_granted')).toEqual([
      expect.objectContaining({ user_id: user.id, client_id: client.id, details: { scope: ['openid', 'read'] } }),
    ]);
  });
});

describe('GET /account/security recent sign-ins', () => {
  it('lists the user’s own latest sign-ins with time, address and user agent, escaped', async () => {
    const { user, password } = await createTestUser();
    const other = await createTestUser();
    const events = storesFor(env.DB).auditEvents;
    const event = (userId: string, at: number, userAgent: string): AuditEvent => ({
      id: crypto.randomUUID(),
      at,
      type: 'login',
      outcome: 'success',
      userId,
      clientId: null,
      clientAddress: '203.0.113.9',
      userAgent,
      details: null,
    });
    await events.record([
      event(user.id, Date.UTC(2026, 10, 30, 7, 5) / 1000, 'Firefox <script>'),
      event(other.user.id, Date.UTC(2026, 10, 30, 7, 6) / 1000, 'Someone else'),
    ]);
    const browser = new TestBrowser();
    await loginAs(browser, user.username, password);
    expect((await browser.get('/account/security')).status).toBe(200);
    expect(browser.html).toContain('<h2>Recent sign-ins</h2>');
    expect(browser.html).toContain(
      '<time datetime="2026-11-30T07:05:00.000Z">2026-11-30 07:05 UTC</time> · 203.0.113.9 · Firefox &lt;script&gt;',
    );
    expect(browser.html).not.toContain('Someone else');
  });
});

describe('the cron purge of audit events', () => {
  it('deletes events older than AUDIT_RETENTION_DAYS (90) and keeps newer ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const day = 24 * 3600;
    const events = storesFor(env.DB).auditEvents;
    const aged = (age: number): AuditEvent => ({
      id: crypto.randomUUID(),
      at: now - age,
      type: 'admin_action',
      outcome: 'success',
      userId: null,
      clientId: 'purge-test',
      clientAddress: null,
      userAgent: null,
      details: null,
    });
    await events.record([aged(91 * day), aged(89 * day)]);
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(now * 1000), cron: '17 * * * *' }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect((await events.list({ clientId: 'purge-test', limit: 10 })).map((event) => now - event.at)).toEqual([
      89 * day,
    ]);
  });
});
