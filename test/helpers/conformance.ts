// Drives the issuer the way the OpenID Foundation conformance suite drives an OP (openid-certification/
// conformance-suite, src/main/java/net/openid/conformance/openid/): a client registered dynamically with OIDC
// Registration metadata and no `scope` (OIDCCCreateDynamicClientRegistrationRequest), a code request with state and
// nonce and scope=openid (AbstractOIDCCServerTest), sign-in and consent on the real pages, a code exchange with
// client_secret_basic, and the suite's standard ID Token checks (PerformStandardIdTokenChecks).
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { hiddenField, redirectParams, withQuery, type QueryValues } from './authorize';
import { TestBrowser } from './browser';
import { TEST_ISSUER } from './constants';
import { basicAuthorization, postForm, publishedKeys, send } from './http';
import { register } from './registration';
import type { TestUser } from './users';

export const SUITE_REDIRECT_URI = 'https://suite.example/test/a/portcullis/callback';
export const SUITE_POST_LOGOUT_REDIRECT_URI = 'https://suite.example/test/a/portcullis/post_logout_redirect';

export interface SuiteClient {
  clientId: string;
  secret: string;
  authMethod: 'client_secret_basic' | 'client_secret_post';
}

/** Registers as the suite does: no scope member, a public JWKS it never uses here, contacts. */
export async function registerSuiteClient(extra: Record<string, unknown> = {}): Promise<SuiteClient> {
  const authMethod = (extra.token_endpoint_auth_method as SuiteClient['authMethod']) ?? 'client_secret_basic';
  const { response, body } = await register({
    client_name: 'conformance suite',
    grant_types: ['authorization_code'],
    jwks: {
      keys: [{ kty: 'RSA', e: 'AQAB', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl', use: 'sig' }],
    },
    token_endpoint_auth_method: authMethod,
    response_types: ['code'],
    redirect_uris: [SUITE_REDIRECT_URI],
    contacts: ['certification@oidf.org'],
    ...extra,
  });
  expect(response.status, JSON.stringify(body)).toBe(201);
  return { clientId: body.client_id as string, secret: body.client_secret as string, authMethod };
}

export interface SuiteRequest {
  path: string;
  state: string;
  nonce: string | undefined;
}

/** The suite's authorization request (CreateAuthorizationRequestSteps): state, nonce, scope=openid, plus `extra`. */
export function suiteRequest(client: SuiteClient, extra: QueryValues = {}, stateLength = 32): SuiteRequest {
  const state = generateOpaqueToken(stateLength).slice(0, stateLength);
  const nonce = generateOpaqueToken(16);
  const params: QueryValues = {
    client_id: client.clientId,
    redirect_uri: SUITE_REDIRECT_URI,
    scope: 'openid',
    state,
    nonce,
    response_type: 'code',
    ...extra,
  };
  return { path: withQuery('/oauth/authorize', params), state, nonce: params.nonce as string | undefined };
}

/**
 * Sends the browser to `path` and plays the user: signs in on the login page when shown (as `user`), allows on the
 * consent page when shown. Returns the response that leaves the issuer, and what was shown on the way.
 */
export async function authorizeThroughPages(
  browser: TestBrowser,
  path: string,
  user: TestUser,
): Promise<{ response: Response; sawLogin: boolean; sawConsent: boolean; loginPage: string | null }> {
  let response = await browser.get(path, { follow: true });
  let sawLogin = false;
  let sawConsent = false;
  let loginPage: string | null = null;
  for (let step = 0; step < 4 && response.status === 200; step++) {
    if (browser.html.includes('action="/login"')) {
      sawLogin = true;
      loginPage = browser.html;
      response = await browser.submit(
        '/login',
        { username: user.user.username, password: user.password, return_to: hiddenField(browser, 'return_to') },
        { follow: true },
      );
    } else if (browser.html.includes('action="/oauth/authorize/consent"')) {
      sawConsent = true;
      response = await browser.submit(
        '/oauth/authorize/consent',
        { authorization_request: hiddenField(browser, 'authorization_request'), decision: 'allow' },
        { follow: true },
      );
    } else break;
  }
  return { response, sawLogin, sawConsent, loginPage };
}

/** The callback parameters, checked as the suite does (CheckMatchingCallbackParameters, iss, state). */
export function suiteCallback(response: Response, request: SuiteRequest): Record<string, string> {
  // 302 from the authorization endpoint, 303 from the answer to the consent form.
  expect([302, 303]).toContain(response.status);
  const params = redirectParams(response, SUITE_REDIRECT_URI);
  expect(params.iss).toBe(TEST_ISSUER);
  expect(params.state).toBe(request.state);
  return params;
}

export interface SuiteTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  id_token: string;
  refresh_token?: string;
}

export function suiteTokenRequest(client: SuiteClient, form: Record<string, string>): Promise<Response> {
  if (client.authMethod === 'client_secret_post')
    return postForm('/oauth/token', { ...form, client_id: client.clientId, client_secret: client.secret });
  return postForm('/oauth/token', form, { Authorization: basicAuthorization(client.clientId, client.secret) });
}

/** The code exchange (CreateTokenEndpointRequestForAuthorizationCodeGrant) and its checks up to the ID Token. */
export async function redeemSuiteCode(
  client: SuiteClient,
  code: string,
  extra: Record<string, string> = {},
): Promise<SuiteTokens> {
  const response = await suiteTokenRequest(client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: SUITE_REDIRECT_URI,
    ...extra,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const tokens = await response.json<SuiteTokens>();
  expect(tokens.token_type).toBe('Bearer');
  expect(tokens.expires_in).toBeGreaterThan(0);
  expect(tokens.id_token).toEqual(expect.any(String));
  return tokens;
}

/** PerformStandardIdTokenChecks and OIDCCIdTokenSignature: RS256 by default, a kid, iss/aud/azp, nonce, times. */
export async function checkSuiteIdToken(
  idToken: string,
  client: SuiteClient,
  nonce: string | undefined,
): Promise<JWTPayload> {
  const header = decodeProtectedHeader(idToken);
  expect(header.alg).toBe('RS256');
  expect(header.kid).toEqual(expect.any(String));
  const { payload } = await jwtVerify(idToken, await publishedKeys(), {
    issuer: TEST_ISSUER,
    audience: client.clientId,
    algorithms: ['RS256'],
    requiredClaims: ['sub', 'iat', 'exp'],
  });
  expect(payload.azp ?? client.clientId).toBe(client.clientId);
  if (nonce === undefined) expect(payload.nonce).toBeUndefined();
  else expect(payload.nonce).toBe(nonce);
  if (payload.acr !== undefined) expect(payload.acr).toEqual(expect.any(String));
  return payload;
}

/** The suite's userinfo call: GET with the bearer header, POST with it, or POST with the token in the body. */
export function suiteUserinfo(accessToken: string, method: 'get' | 'post-header' | 'post-body' = 'get') {
  if (method === 'post-body') return postForm('/oauth/userinfo', { access_token: accessToken });
  return send('/oauth/userinfo', {
    method: method === 'get' ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${accessToken}` },
  });
}

/** One whole happy flow for a new browser: request, pages, callback, code exchange, ID Token checks. */
export async function suiteHappyFlow(
  client: SuiteClient,
  user: TestUser,
  extra: QueryValues = {},
  browser = new TestBrowser(),
) {
  const request = suiteRequest(client, extra);
  const pages = await authorizeThroughPages(browser, request.path, user);
  const params = suiteCallback(pages.response, request);
  const tokens = await redeemSuiteCode(client, params.code!);
  const idToken = await checkSuiteIdToken(tokens.id_token, client, request.nonce);
  return { browser, request, pages, params, tokens, idToken };
}
