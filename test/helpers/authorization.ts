// Fixtures for the authorization-code side: clients for the code flow, PKCE pairs, codes issued through
// issueAuthorizationCode, and token requests for the code and refresh grants (users come from users.ts).
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { issueAuthorizationCode, type AuthorizationCodeBinding } from '../../src/oauth/authorization-code';
import { s256 } from '../../src/oauth/pkce';
import { storesFor } from '../../src/storage/stores';
import type { Client, User } from '../../src/storage/types';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { createTestClient, type TestClient } from './clients';
import { basicAuthorization, postForm } from './http';
import { createTestUser } from './users';

export const REDIRECT_URI = 'https://app.example/callback';
export const OIDC_CLIENT_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'read', 'write'];

/** A client of the code flow: confidential (client_secret_basic) unless overridden. */
export function createCodeClient(overrides: Partial<Client> = {}): Promise<TestClient> {
  return createTestClient({
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    redirectUris: [REDIRECT_URI],
    scopes: OIDC_CLIENT_SCOPES,
    ...overrides,
  });
}

export function createPublicCodeClient(overrides: Partial<Client> = {}): Promise<TestClient> {
  return createCodeClient({ type: 'public', secretHash: null, tokenEndpointAuthMethod: 'none', ...overrides });
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = generateOpaqueToken(32);
  return { verifier, challenge: await s256(verifier) };
}

export interface TestCode {
  code: string;
  verifier: string;
}

/** Issues a code as the authorization endpoint would, with a fresh PKCE pair unless `codeChallenge` is given. */
export async function issueTestCode(
  client: Client,
  user: User,
  overrides: Partial<AuthorizationCodeBinding> = {},
): Promise<TestCode> {
  const { verifier, challenge } = await pkcePair();
  const code = await issueAuthorizationCode(
    storesFor(env.DB),
    { authorizationCodeTtlSeconds: 60 },
    {
      clientId: client.id,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'profile', 'email', 'offline_access', 'read'],
      resources: [],
      codeChallenge: challenge,
      nonce: 'n-0S6_WzA2Mj',
      authTime: Math.floor(Date.now() / 1000) - 30,
      ...overrides,
    },
  );
  return { code, verifier };
}

/** A code issued to `testClient` for a new user: the fixture of tests about the code, not about who consented. */
export async function codeForNewUser(
  testClient: TestClient,
  overrides: Partial<AuthorizationCodeBinding> = {},
): Promise<TestCode> {
  const { user } = await createTestUser();
  return issueTestCode(testClient.client, user, overrides);
}

/** Client authentication as the client registered it: Basic, or client_id in the form for public clients. */
function authenticated(
  testClient: TestClient,
  form: Record<string, string | string[]>,
): { form: Record<string, string | string[]>; headers: Record<string, string> } {
  const { client, secret } = testClient;
  if (client.tokenEndpointAuthMethod === 'none') return { form: { client_id: client.id, ...form }, headers: {} };
  return { form, headers: { Authorization: basicAuthorization(client.id, secret) } };
}

/** POSTs to a client-authenticated endpoint (token, revoke, introspect) as this client. */
export function postAsClient(
  testClient: TestClient,
  path: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = authenticated(testClient, form);
  return postForm(path, request.form, { ...request.headers, ...headers });
}

export function exchangeCode(
  testClient: TestClient,
  code: TestCode,
  extra: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: code.verifier,
    ...extra,
  };
  return postAsClient(testClient, '/oauth/token', form, headers);
}

export function refreshWith(
  testClient: TestClient,
  refreshToken: string,
  extra: Record<string, string | string[]> = {},
): Promise<Response> {
  return postAsClient(testClient, '/oauth/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
}

/** The whole token response (RFC 6749 §5.1) to a code exchange, or a refresh, of issueTestCode's default scope. */
export const CODE_FLOW_TOKEN_RESPONSE = {
  access_token: expect.any(String),
  token_type: 'Bearer',
  expires_in: 900,
  scope: 'openid profile email offline_access read',
  refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  id_token: expect.any(String),
};

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/** Runs a successful code exchange and returns its token set. */
export async function signIn(
  testClient: TestClient,
  user: User,
  overrides: Partial<AuthorizationCodeBinding> = {},
): Promise<TokenSet> {
  const response = await exchangeCode(testClient, await issueTestCode(testClient.client, user, overrides));
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.status} ${await response.text()}`);
  return response.json<TokenSet>();
}

/** The token endpoint's `invalid_grant` (RFC 6749 §5.2), with this description. */
export function expectInvalidGrant(response: Response, description: string): Promise<void> {
  return expectOAuthError(response, 400, 'invalid_grant', description);
}

/** Asserts an RFC 6749 §5.2 error response exactly: status, no-store, and the whole JSON body. */
export async function expectOAuthError(
  response: Response,
  status: number,
  error: string,
  description: string,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toEqual({ error, error_description: description });
}
