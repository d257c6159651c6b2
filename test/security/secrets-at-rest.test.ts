// Secrets at rest and in logs (RFC 6819 §5.1.4.1.3, §5.1.5.3; RFC 7591 §3.2.1): after a whole life cycle (registration,
// sign-up, consent, code, refresh, RFC 7592 read) no client secret, registration access token, code, refresh token,
// password or session or CSRF cookie value appears in any D1 row, nor in what the Worker logged, a failure included.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDIRECT_URI, type TokenSet } from '../helpers/authorization';
import { codeRequest, redirectParams, submitConsent } from '../helpers/authorize';
import { TestBrowser } from '../helpers/browser';
import { createTestApp } from '../helpers/app';
import { snapshotRows } from '../helpers/d1-rows';
import { faultyD1 } from '../helpers/faulty-d1';
import { basicAuthorization, send } from '../helpers/http';
import { bearer, register, sendJson } from '../helpers/registration';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything written to the console while `run` runs. */
async function capturedLogs(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(
        args.map((arg) => (arg instanceof Error ? `${arg.stack} ${String(arg.cause)}` : String(arg))).join(' '),
      );
    });
  }
  await run();
  return lines.join('\n');
}

function tokenRequest(clientId: string, secret: string, form: Record<string, string>): Promise<Response> {
  return send('/oauth/token', {
    method: 'POST',
    headers: {
      Authorization: basicAuthorization(clientId, secret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form),
  });
}

describe('no secret in clear in D1 or the logs (RFC 6819 §5.1.4.1.3)', () => {
  it('stores and logs only hashes across a whole life cycle', async () => {
    const secrets: Record<string, string> = {};
    const logs = await capturedLogs(async () => {
      const { body: client } = await register({
        client_name: 'Secret keeper',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid offline_access read',
      });
      secrets.clientSecret = client.client_secret as string;
      secrets.registrationToken = client.registration_access_token as string;
      const clientId = client.client_id as string;

      const browser = new TestBrowser();
      await browser.get('/signup');
      secrets.password = 'a long secret passphrase';
      const username = `secret_${crypto.randomUUID().slice(0, 8)}`;
      expect((await browser.submit('/signup', { username, password: secrets.password })).status).toBe(303);
      secrets.sessionCookie = browser.cookie('__Host-portcullis_session')!;
      secrets.csrfCookie = browser.cookie('__Host-portcullis_csrf')!;
      expect(secrets.sessionCookie).toBeDefined();

      const request = await codeRequest({ id: clientId } as never, { scope: 'openid offline_access read' });
      expect((await browser.get(request.path)).status).toBe(200);
      secrets.csrfToken = browser.csrfToken();
      secrets.code = redirectParams(await submitConsent(browser, 'allow')).code!;
      secrets.codeVerifier = request.verifier;

      const first = await (
        await tokenRequest(clientId, secrets.clientSecret, {
          grant_type: 'authorization_code',
          code: secrets.code,
          redirect_uri: REDIRECT_URI,
          code_verifier: request.verifier,
        })
      ).json<TokenSet>();
      secrets.firstRefreshToken = first.refresh_token!;
      const second = await (
        await tokenRequest(clientId, secrets.clientSecret, {
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token!,
        })
      ).json<TokenSet>();
      secrets.secondRefreshToken = second.refresh_token!;
      expect((await send(`/oauth/register/${clientId}`, { headers: bearer(secrets.registrationToken) })).status).toBe(
        200,
      );

      // A storage failure in the middle of a request carrying secrets is logged (app.onError) without them.
      const faulty = faultyD1(env.DB);
      const { request: failing } = createTestApp({ DB: faulty.binding });
      faulty.failAt(1);
      const failed = await failing('/oauth/token', {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(clientId, secrets.clientSecret),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: secrets.secondRefreshToken }),
      });
      expect(failed.status).toBe(500);
      await sendJson('/signup', 'POST', { username: 'x', password: secrets.password });
    });

    const stored = JSON.stringify(await snapshotRows());
    expect(logs).toContain('injected D1 failure');
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThan(10);
      expect(stored.includes(value), `${name} in D1`).toBe(false);
      expect(logs.includes(value), `${name} in the logs`).toBe(false);
    }
  });
});
