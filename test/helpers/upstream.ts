// Federation test fixtures: an app configured with the two upstream providers of test/setup/upstreams.ts, and the
// round trips of a browser through them: the test-controlled fake (one fault per attempt) and node-oidc-provider's
// own login and consent pages.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { expect, inject } from 'vitest';
import type { FakeUpstreamFault } from '../setup/fake-upstream';
import {
  FAKE_UPSTREAM_CLIENT_ID,
  FAKE_UPSTREAM_CLIENT_SECRET,
  OIDC_PROVIDER_CLIENT_ID,
  OIDC_PROVIDER_CLIENT_SECRET,
} from './upstream-clients';
import { createTestApp, type TestApp } from './app';
import { TestBrowser } from './browser';
import { TEST_ISSUER } from './constants';

export function upstreamProvidersConfig() {
  const { oidcProvider, fake } = inject('upstreams');
  return JSON.stringify({
    node: {
      name: 'Node OIDC',
      issuer: oidcProvider,
      client_id: OIDC_PROVIDER_CLIENT_ID,
      client_secret_binding: 'UPSTREAM_NODE_CLIENT_SECRET',
      scopes: ['openid', 'email', 'profile'],
    },
    fake: {
      name: 'Fake IdP',
      issuer: fake,
      client_id: FAKE_UPSTREAM_CLIENT_ID,
      client_secret_binding: 'UPSTREAM_FAKE_CLIENT_SECRET',
    },
  });
}

/**
 * An app with both upstream providers configured, and a browser on it whose every request waits for the work it
 * handed to waitUntil (the audit events' D1 writes), so a test reads them in D1 right after.
 */
export function federatedApp(): TestApp & { browser(): TestBrowser } {
  const testApp = createTestApp({
    UPSTREAM_PROVIDERS: upstreamProvidersConfig(),
    UPSTREAM_NODE_CLIENT_SECRET: OIDC_PROVIDER_CLIENT_SECRET,
    UPSTREAM_FAKE_CLIENT_SECRET: FAKE_UPSTREAM_CLIENT_SECRET,
  } as Record<string, string>);
  const send = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const url = new URL(path, TEST_ISSUER).toString();
    const response = await testApp.app.request(url, init, testApp.bindings, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return { ...testApp, request: send, browser: () => new TestBrowser({ send }) };
}

export interface FakeAttempt {
  /** The upstream account (`sub`); default a random one. */
  sub?: string;
  fault?: FakeUpstreamFault;
  preferredUsername?: string;
  email?: string;
}

/**
 * Follows a 303 from Portcullis to the fake upstream's authorization endpoint, with the attempt's account and fault
 * added, and returns the callback URL the upstream redirects back to.
 */
export async function throughFakeUpstream(start: Response, attempt: FakeAttempt = {}): Promise<string> {
  expect(start.status, await start.clone().text()).toBe(303);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(inject('upstreams').fake);
  authorize.searchParams.set('sub', attempt.sub ?? `upstream-${crypto.randomUUID()}`);
  authorize.searchParams.set('fault', attempt.fault ?? 'none');
  if (attempt.preferredUsername) authorize.searchParams.set('preferred_username', attempt.preferredUsername);
  if (attempt.email) authorize.searchParams.set('email', attempt.email);
  const back = await fetch(authorize, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const callback = back.headers.get('location')!;
  expect(callback.startsWith(`${TEST_ISSUER}/upstream/fake/callback?`)).toBe(true);
  return callback;
}

/** A whole sign-in through the fake upstream from the login page's link; returns the callback's response. */
export async function signInThroughFake(
  browser: TestBrowser,
  attempt: FakeAttempt = {},
  returnTo = '/account',
): Promise<Response> {
  const start = await browser.get(`/upstream/fake?return_to=${encodeURIComponent(returnTo)}`);
  return browser.get(await throughFakeUpstream(start, attempt));
}

/**
 * Follows a 303 to node-oidc-provider and through its own pages, as a person would: its login form (any login name is
 * an account, `sub` = `login`), then its consent form; returns the callback URL it redirects back to.
 */
export async function throughOidcProvider(start: Response, login: string): Promise<string> {
  expect(start.status, await start.clone().text()).toBe(303);
  const jar = new Map<string, string>();
  let response = await upstreamFetch(jar, start.headers.get('location')!);
  for (let step = 0; step < 12; step++) {
    const location = response.headers.get('location');
    if (location?.startsWith(TEST_ISSUER)) return location;
    if (location) {
      response = await upstreamFetch(jar, new URL(location, inject('upstreams').oidcProvider).toString());
      continue;
    }
    const html = await response.text();
    expect(response.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    expect(action, html).toBeDefined();
    const fields = new URLSearchParams({ prompt: prompt! });
    if (prompt === 'login') {
      fields.set('login', login);
      fields.set('password', 'any password');
    }
    response = await upstreamFetch(jar, new URL(action!, inject('upstreams').oidcProvider).toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: fields,
    });
  }
  throw new Error('node-oidc-provider did not redirect back to Portcullis');
}

/** A fetch to the upstream with a cookie jar of its own (path and expiry ignored: one browser, one upstream). */
async function upstreamFetch(jar: Map<string, string>, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.size > 0) headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  for (const cookie of response.headers.getSetCookie()) {
    const pair = cookie.split(';')[0]!;
    const separator = pair.indexOf('=');
    jar.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  return response;
}
