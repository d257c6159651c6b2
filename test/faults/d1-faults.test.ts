// D1 fault injection: a failure at each D1 call of refresh rotation, code redemption, registration (RFC 7591) and its
// management (RFC 7592), consent and login leaves the stored state either as it was or as the request completes it,
// never half of each; the response is then an RFC-shaped 5xx that says nothing of the cause.
import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashOpaqueToken } from '../../src/tokens/opaque';
import { createTestApp } from '../helpers/app';
import { codeForNewUser, createCodeClient, REDIRECT_URI, signIn } from '../helpers/authorization';
import { codeRequest, hiddenField } from '../helpers/authorize';
import { loginAs, TestBrowser } from '../helpers/browser';
import { faultyD1, type FaultyD1 } from '../helpers/faulty-d1';
import { basicAuthorization, type RequestSender } from '../helpers/http';
import { bearer, randomIp, registerClientCredentialsClient } from '../helpers/registration';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';

type Outcome = 'old' | 'new' | 'neither';

interface Run {
  act(): Promise<Response>;
  outcome(): Promise<Outcome>;
  /** Whether the response says the change happened; default any status below 400. */
  succeeded?(response: Response): boolean;
}

interface Scenario {
  /** Sets up the old state with the real binding; returns the request to make and how to judge the state after. */
  prepare(send: RequestSender, faulty: FaultyD1): Promise<Run>;
}

const db = () => env.DB;

async function count(sql: string, ...values: unknown[]): Promise<number> {
  return (await db()
    .prepare(`SELECT count(*) AS n FROM ${sql}`)
    .bind(...values)
    .first<{ n: number }>())!.n;
}

const GENERIC_DESCRIPTION = 'the server could not complete the request';

/**
 * A server_error that names no cause: JSON (RFC 6749 §5.2) or the HTML error page with 500, or, from the
 * authorization endpoint once the client is verified, a redirect to it (RFC 6749 §4.1.2.1).
 */
async function expectOpaqueServerError(response: Response): Promise<void> {
  const location = response.headers.get('location');
  if (location !== null) {
    const params = Object.fromEntries(new URL(location).searchParams);
    expect(params).toMatchObject({ error: 'server_error', error_description: GENERIC_DESCRIPTION });
    return;
  }
  expect(response.status).toBe(500);
  const text = await response.text();
  expect(text).not.toMatch(/injected|InjectedD1Failure|D1|\bat\s+\S+:\d+/);
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    expect(JSON.parse(text)).toEqual({
      error: 'server_error',
      error_description: GENERIC_DESCRIPTION,
    });
  } else {
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  }
}

/**
 * Runs the scenario once to count its D1 calls, then once per call with that call failing: each run must leave the
 * old or the new state, and a failed run must answer an opaque 500. The first call is 1.
 */
async function injectEveryFault(scenario: Scenario): Promise<void> {
  const probe = faultyD1(db());
  const probeRun = await scenario.prepare(createTestApp({ DB: probe.binding }).request, probe);
  probe.failAt(0);
  const probeResponse = await probeRun.act();
  expect(probeRun.succeeded ? probeRun.succeeded(probeResponse) : probeResponse.status < 400).toBe(true);
  expect(await probeRun.outcome()).toBe('new');
  const calls = probe.calls;
  expect(calls).toBeGreaterThan(0);

  for (let call = 1; call <= calls; call++) {
    const faulty = faultyD1(db());
    const run = await scenario.prepare(createTestApp({ DB: faulty.binding }).request, faulty);
    faulty.failAt(call);
    const response = await run.act();
    const outcome = await run.outcome();
    expect(outcome, `failure at D1 call ${call} of ${calls}`).not.toBe('neither');
    const succeeded = run.succeeded ? run.succeeded(response) : response.status < 400;
    if (succeeded) expect(outcome, `call ${call}: a success must have stored the new state`).toBe('new');
    else await expectOpaqueServerError(response);
  }
}

function tokenRequest(send: RequestSender, clientId: string, secret: string, form: Record<string, string>) {
  return () =>
    Promise.resolve(
      send('/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(clientId, secret),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form),
      }),
    );
}

describe('D1 fault injection: never half a state change', () => {
  // app.onError logs every 5xx with its cause; here they are the point, so they stay out of the test output.
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refresh rotation: the old token stays usable alone, or its one successor is', async () => {
    await injectEveryFault({
      async prepare(send) {
        const client = await createCodeClient();
        const { user } = await createTestUser();
        const refreshToken = (await signIn(client, user)).refresh_token!;
        const hash = await hashOpaqueToken(refreshToken);
        const { grant_id: grantId } = (await db()
          .prepare('SELECT grant_id FROM refresh_tokens WHERE token_hash = ?')
          .bind(hash)
          .first<{ grant_id: string }>())!;
        return {
          act: tokenRequest(send, client.client.id, client.secret, {
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
          }),
          async outcome() {
            const family = await count('refresh_tokens WHERE grant_id = ?', grantId);
            const usable = await count(
              'refresh_tokens WHERE grant_id = ? AND rotated_at IS NULL AND revoked_at IS NULL',
              grantId,
            );
            const oldUsable = await count(
              'refresh_tokens WHERE token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL',
              hash,
            );
            if (family === 1 && oldUsable === 1) return 'old';
            if (family === 2 && usable === 1 && oldUsable === 0) return 'new';
            return 'neither';
          },
        };
      },
    });
  });

  it('code redemption: the code stays unredeemed with no token, or it is spent and its refresh token stored', async () => {
    await injectEveryFault({
      async prepare(send) {
        const client = await createCodeClient();
        const code = await codeForNewUser(client);
        const hash = await hashOpaqueToken(code.code);
        return {
          act: tokenRequest(send, client.client.id, client.secret, {
            grant_type: 'authorization_code',
            code: code.code,
            redirect_uri: REDIRECT_URI,
            code_verifier: code.verifier,
          }),
          async outcome() {
            const spent = await count('authorization_codes WHERE code_hash = ? AND consumed_at IS NOT NULL', hash);
            const tokens = await count(
              'refresh_tokens WHERE revoked_at IS NULL AND grant_id = (SELECT grant_id FROM authorization_codes WHERE code_hash = ?)',
              hash,
            );
            if (spent === 0 && tokens === 0) return 'old';
            if (spent === 1 && tokens === 1) return 'new';
            return 'neither';
          },
        };
      },
    });
  });

  it('registration (RFC 7591): no client, or one whole client with its secret and registration token', async () => {
    await injectEveryFault({
      async prepare(send) {
        const name = `Faulty ${crypto.randomUUID()}`;
        return {
          act: async () =>
            send('/oauth/register', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': randomIp() },
              body: JSON.stringify({ client_name: name, grant_types: ['client_credentials'] }),
            }),
          async outcome() {
            const all = await count('clients WHERE name = ?', name);
            const whole = await count(
              'clients WHERE name = ? AND secret_hash IS NOT NULL AND registration_token_hash IS NOT NULL',
              name,
            );
            if (all === 0) return 'old';
            return all === 1 && whole === 1 ? 'new' : 'neither';
          },
        };
      },
    });
  });

  it('registration update (RFC 7592 §2.2): the old metadata whole, or the new whole', async () => {
    await injectEveryFault({
      async prepare(send) {
        const registered = await registerClientCredentialsClient({ client_name: 'Before' });
        return {
          act: async () =>
            send(`/oauth/register/${registered.clientId}`, {
              method: 'PUT',
              headers: { 'Content-Type': 'application/json', ...bearer(registered.registrationAccessToken) },
              body: JSON.stringify({
                client_id: registered.clientId,
                client_name: 'After',
                grant_types: ['client_credentials'],
                scope: 'read',
              }),
            }),
          async outcome() {
            const row = await db()
              .prepare('SELECT name, scope FROM clients WHERE id = ?')
              .bind(registered.clientId)
              .first<{ name: string; scope: string }>();
            if (row?.name === 'Before' && row.scope !== 'read') return 'old';
            if (row?.name === 'After' && row.scope === 'read') return 'new';
            return 'neither';
          },
        };
      },
    });
  });

  it('registration delete (RFC 7592 §2.3): the client with its tokens, or neither', async () => {
    await injectEveryFault({
      async prepare(send) {
        const registered = await registerClientCredentialsClient();
        return {
          act: async () =>
            send(`/oauth/register/${registered.clientId}`, {
              method: 'DELETE',
              headers: bearer(registered.registrationAccessToken),
            }),
          async outcome() {
            return (await count('clients WHERE id = ?', registered.clientId)) === 1 ? 'old' : 'new';
          },
        };
      },
    });
  });

  it('consent: neither a consent nor a code, or the consent remembered and the code issued', async () => {
    await injectEveryFault({
      async prepare(send, faulty) {
        const { client } = await createCodeClient();
        const { user, password } = await createTestUser();
        const browser = new TestBrowser({ send });
        faulty.failAt(0);
        await loginAs(browser, user.username, password);
        expect((await browser.get((await codeRequest(client)).path)).status).toBe(200);
        const request = hiddenField(browser, 'authorization_request');
        return {
          act: () => browser.submit('/oauth/authorize/consent', { authorization_request: request, decision: 'allow' }),
          succeeded: (response) => response.headers.get('location')?.includes('code=') === true,
          async outcome() {
            const consents = await count('consents WHERE user_id = ? AND client_id = ?', user.id, client.id);
            const codes = await count('authorization_codes WHERE user_id = ? AND client_id = ?', user.id, client.id);
            if (consents === 0 && codes === 0) return 'old';
            if (consents === 1 && codes === 1) return 'new';
            return 'neither';
          },
        };
      },
    });
  });

  it('login: no session, or one session', async () => {
    await injectEveryFault({
      async prepare(send, faulty) {
        const { user } = await createTestUser();
        const browser = new TestBrowser({ send });
        faulty.failAt(0);
        expect((await browser.get('/login')).status).toBe(200);
        return {
          act: () => browser.submit('/login', { username: user.username, password: TEST_PASSWORD }),
          succeeded: (response) => response.status === 303,
          async outcome() {
            const sessions = await count('sessions WHERE user_id = ?', user.id);
            if (sessions === 0) return 'old';
            return sessions === 1 ? 'new' : 'neither';
          },
        };
      },
    });
  });
});
