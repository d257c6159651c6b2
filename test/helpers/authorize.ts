// Authorization requests for the tests of /oauth/authorize and the flows: request URLs with PKCE, a signed-in browser,
// and the parameters of a redirect back to a client.
import { expect } from 'vitest';
import type { Client } from '../../src/storage/types';
import { pkcePair, REDIRECT_URI } from './authorization';
import { loginAs, TestBrowser } from './browser';
import type { TestApp } from './app';
import { createTestUser, type TestUser } from './users';

export type QueryValues = Record<string, string | string[] | undefined>;

export interface CodeRequest {
  /** /oauth/authorize?... */
  path: string;
  params: QueryValues;
  /** The PKCE verifier of the request's code_challenge. */
  verifier: string;
}

/** `path` with the defined `values` as its query, in order (a list repeats its parameter). */
export function withQuery(path: string, values: QueryValues): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    for (const item of value === undefined ? [] : Array.isArray(value) ? value : [value]) query.append(name, item);
  }
  return `${path}?${query.toString()}`;
}

/** An OpenID code request with PKCE, state and nonce; `overrides` replace or (with undefined) remove parameters. */
export async function codeRequest(client: Client, overrides: QueryValues = {}): Promise<CodeRequest> {
  const { verifier, challenge } = await pkcePair();
  const params: QueryValues = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state: 'af0ifjsldkj',
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return { path: withQuery('/oauth/authorize', params), params, verifier };
}

/** A browser signed in as a new user. */
export async function signedInBrowser(): Promise<TestUser & { browser: TestBrowser }> {
  const testUser = await createTestUser();
  const browser = new TestBrowser();
  const response = await loginAs(browser, testUser.user.username, testUser.password);
  expect(response.status).toBe(303);
  return { ...testUser, browser };
}

/** A browser signed in as a new user on a test app of its own configuration (createTestApp). */
export async function signedInBrowserOn(testApp: TestApp): Promise<TestUser & { browser: TestBrowser }> {
  const testUser = await createTestUser();
  const browser = new TestBrowser({ send: (path, init) => testApp.request(path, init) });
  expect((await loginAs(browser, testUser.user.username, testUser.password)).status).toBe(303);
  return { ...testUser, browser };
}

/** The parameters a redirect to the client carries; asserts it goes to `redirectUri` (default REDIRECT_URI). */
export function redirectParams(response: Response, redirectUri = REDIRECT_URI): Record<string, string> {
  const location = response.headers.get('location');
  expect(location, 'the response has no Location').not.toBeNull();
  const url = new URL(location!);
  expect(`${url.origin}${url.pathname}`).toBe(redirectUri);
  return Object.fromEntries(url.searchParams);
}

/** The value of a hidden field of the last page, unescaped as a browser would. */
export function hiddenField(browser: TestBrowser, name: string): string {
  const escaped = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(browser.html)?.[1];
  expect(escaped, `the last page has no ${name} field`).toBeDefined();
  return escaped!
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** Presses one of the two buttons of the consent page last shown to `browser`. */
export function submitConsent(browser: TestBrowser, decision: 'allow' | 'deny'): Promise<Response> {
  return browser.submit('/oauth/authorize/consent', {
    authorization_request: hiddenField(browser, 'authorization_request'),
    decision,
  });
}
