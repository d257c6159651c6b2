// Authorization requests (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2, OIDC Core §3.1.2.1), checked in two stages:
// first the client and its redirect URI, whose failures must never be redirected (RFC 6749 §4.1.2.1), then the
// rest, whose failures go back to that redirect URI. Only the code flow exists (RFC 9700 §2.1.2: no implicit).
import type { Config } from '../config';
import type { Client, ClientStore, RequestedClaims } from '../storage/types';
import { assertAcrRequestSatisfiable } from './authentication-context';
import { claimsWithinScopes, requestedUserClaims, scopesOfClaims } from './claims';
import { claimsParameterOf, parseClaimsParameter } from './claims-request';
import { METADATA_DOCUMENT_REGISTRANT } from './client-id-metadata-document';
import { OAuthError } from './errors';
import type { RequestParams } from './params';
import { assertCodeChallenge } from './pkce';
import { matchRedirectUri } from './redirect-uri';
import { requestableScopes, requestedUserScopes } from './requested-scope';
import { audienceFor } from './resource';
import { scopesOutsideAudience } from './scope-definitions';

/** OIDC Core §3.1.2.1 prompt values. `select_account` shows the sign-in form, where any account can be chosen. */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];

/** Where the authorization response goes: set only once the client and redirect URI are known good. */
export interface AuthorizationTarget {
  client: Client;
  /** A registered redirect URI, compared exactly (RFC 9700 §4.1.3) but for a loopback port (RFC 8252 §7.3). */
  redirectUri: string;
}

export interface AuthorizationRequest extends AuthorizationTarget {
  state: string | undefined;
  scopes: string[];
  /** RFC 8707 resource indicators, each one this issuer serves. */
  resources: string[];
  /** An S256 challenge (RFC 7636), or null for a confidential client that sent none. */
  codeChallenge: string | null;
  nonce: string | null;
  /** RFC 9449 §10 `dpop_jkt`: the DPoP key the code is bound to, or null. */
  dpopJkt: string | null;
  prompts: Prompt[];
  /** OIDC max_age: the longest time since the user last entered their password that the client accepts. */
  maxAgeSeconds: number | null;
  /** The OIDC `claims` parameter (Core §5.5), or null. */
  claims: RequestedClaims | null;
  /** OIDC login_hint: prefills the username on the login page. */
  loginHint: string | null;
  /**
   * OIDC id_token_hint, checked against the signed-in user when prompt=none (http/authorize.tsx). Not carried through
   * the login page: whoever signs in there is the answer to the request.
   */
  idTokenHint: string | null;
}

/** Stage one. Its errors are shown to the user as a page, never redirected (RFC 6749 §3.1.2.4, §4.1.2.1). */
export async function resolveAuthorizationTarget(
  params: RequestParams,
  clients: Pick<ClientStore, 'findById'> & { invalidate?(id: string): void },
): Promise<AuthorizationTarget> {
  const clientId = params.get('client_id');
  if (clientId === undefined)
    throw new OAuthError(
      'invalid_request',
      'The request has no client_id, so it cannot be sent back to the application.',
    );
  let client = await clients.findById(clientId);
  if (!client)
    throw new OAuthError('invalid_request', 'The application that sent you here (client_id) is not registered.');
  const redirectUri = params.get('redirect_uri');
  // A metadata document cached before it listed this redirect URI is fetched again, once (the draft's §4.3).
  if (
    client.registrant === METADATA_DOCUMENT_REGISTRANT &&
    redirectUri !== undefined &&
    matchRedirectUri(client.redirectUris, redirectUri) === undefined &&
    clients.invalidate
  ) {
    clients.invalidate(clientId);
    client = (await clients.findById(clientId)) ?? client;
  }
  if (redirectUri === undefined) {
    // OIDC Core §3.1.2.1 requires it; plain OAuth may leave it out when only one is registered (RFC 6749 §3.1.2.3).
    const isOpenId = params.get('scope')?.split(' ').includes('openid') ?? false;
    if (isOpenId || client.redirectUris.length !== 1) {
      throw new OAuthError(
        'invalid_request',
        'The request has no redirect_uri, and the application has to say where to return.',
      );
    }
    return { client, redirectUri: client.redirectUris[0]! };
  }
  const registered = matchRedirectUri(client.redirectUris, redirectUri);
  if (registered === undefined) {
    throw new OAuthError(
      'invalid_request',
      'The redirect_uri is not one the application registered, so you are not sent there.',
    );
  }
  return { client, redirectUri: registered };
}

/** Stage two. Errors are RFC 6749 §4.1.2.1 codes, for the redirect URI. */
export function validateAuthorizationRequest(
  params: RequestParams,
  target: AuthorizationTarget,
  audience: { config: Config; issuer: string },
): AuthorizationRequest {
  const { client } = target;
  const responseType = params.get('response_type');
  if (responseType === undefined) throw new OAuthError('invalid_request', 'response_type is required');
  // The implicit grant and hybrid flows (`token`, `id_token`, `code id_token`...) are not offered (RFC 9700 §2.1.2).
  if (responseType !== 'code')
    throw new OAuthError('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code') || !client.responseTypes.includes('code')) {
    throw new OAuthError('unauthorized_client', 'this client is not registered for the authorization_code grant');
  }
  if (params.get('request') !== undefined)
    throw new OAuthError('request_not_supported', 'request objects are not supported');
  if (params.get('request_uri') !== undefined)
    throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query')
    throw new OAuthError('invalid_request', 'only response_mode=query is supported');

  const scopes = requestedUserScopes(params.get('scope'), client.scopes, requestableScopes(client, audience.config));
  const parsedClaims = parseClaimsParameter(params.get('claims'));
  // Bounded by the registered scopes, not the step-up ones: claims named here are not listed on the consent page.
  const claims = parsedClaims && claimsWithinScopes(parsedClaims, client.scopes);
  assertAcrRequestSatisfiable(claims);
  const resources = params.getAll('resource');
  // Throws invalid_target for a resource that is malformed or not served by this issuer (RFC 8707 §2).
  const tokenAudience = audienceFor(resources, audience.config, audience.issuer);
  const misplaced = scopesOutsideAudience(audience.config.scopes, scopes, tokenAudience);
  if (misplaced.length > 0) {
    throw new OAuthError('invalid_scope', `the requested resources do not offer: ${misplaced.join(' ')}`);
  }
  return {
    ...target,
    state: params.get('state'),
    scopes,
    resources: [...new Set(resources)],
    codeChallenge: codeChallengeOf(params, client),
    nonce: params.get('nonce') ?? null,
    dpopJkt: dpopJktOf(params),
    prompts: parsePrompt(params.get('prompt')),
    maxAgeSeconds: parseMaxAge(params.get('max_age')),
    claims,
    loginHint: params.get('login_hint') ?? null,
    idTokenHint: params.get('id_token_hint') ?? null,
  };
}

/**
 * The scopes the user's consent must cover: those requested, and those whose claims the `claims` parameter asks for
 * by name (asking for `email` is asking for part of the `email` scope), so no claim is released unconsented.
 */
export function consentScopes(request: AuthorizationRequest): string[] {
  const named = [...requestedUserClaims(request.claims?.userinfo), ...requestedUserClaims(request.claims?.idToken)];
  return [...new Set([...request.scopes, ...scopesOfClaims(named)])];
}

/**
 * Whether the user must enter their password now: `prompt=login` or `select_account`, or a last sign-in older than
 * `max_age` (OIDC Core §3.1.2.1). The login page returns to the request without them (loginReturnQuery), so a
 * fresh sign-in satisfies the request and cannot loop.
 */
export function reauthenticationRequired(request: AuthorizationRequest, authTime: number, nowSeconds: number): boolean {
  if (request.prompts.includes('login') || request.prompts.includes('select_account')) return true;
  return request.maxAgeSeconds !== null && nowSeconds - authTime > request.maxAgeSeconds;
}

/**
 * The request as a query string with only what this server reads, canonically encoded: carried through the login
 * page and the consent form. `afterSignIn` drops what forces a sign-in (see reauthenticationRequired). Parameters
 * it only tolerates (display, ui_locales, claims_locales, acr_values, unknown ones) are not carried (RFC 6749 §3.1).
 */
export function authorizationRequestQuery(request: AuthorizationRequest, { afterSignIn = false } = {}): string {
  const prompts = afterSignIn
    ? request.prompts.filter((prompt) => prompt !== 'login' && prompt !== 'select_account')
    : request.prompts;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: request.client.id,
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
  });
  const optional: Array<[string, string | null | undefined]> = [
    ['state', request.state],
    ['nonce', request.nonce],
    ['dpop_jkt', request.dpopJkt],
    ['code_challenge', request.codeChallenge],
    ['code_challenge_method', request.codeChallenge === null ? null : 'S256'],
    ['prompt', prompts.length > 0 ? prompts.join(' ') : null],
    ['max_age', afterSignIn || request.maxAgeSeconds === null ? null : String(request.maxAgeSeconds)],
    ['claims', request.claims === null ? null : claimsParameterOf(request.claims)],
  ];
  for (const [name, value] of optional) if (value != null) query.append(name, value);
  for (const resource of request.resources) query.append('resource', resource);
  return query.toString();
}

/**
 * RFC 7636 §4.3. PKCE is required of public clients (RFC 9700 §2.1.1) and document clients, and optional for other
 * confidential ones, which also authenticate at the token endpoint and, with OpenID Connect, can bind the code with
 * `nonce` instead (ibid.).
 */
function codeChallengeOf(params: RequestParams, client: Client): string | null {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined)
      throw new OAuthError('invalid_request', 'code_challenge_method was sent without a code_challenge');
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new OAuthError('invalid_request', 'code_challenge is required: public clients must use PKCE with S256');
    }
    // MCP requires PKCE of every client, and a document client, even one with a key, is whoever published it.
    if (client.registrant === METADATA_DOCUMENT_REGISTRANT) {
      throw new OAuthError('invalid_request', 'code_challenge is required: metadata document clients must use PKCE');
    }
    return null;
  }
  assertCodeChallenge(challenge, method);
  return challenge;
}

/** RFC 9449 §10: a JWK SHA-256 thumbprint (RFC 7638), 32 bytes in unpadded base64url. */
function dpopJktOf(params: RequestParams): string | null {
  const jkt = params.get('dpop_jkt');
  if (jkt === undefined) return null;
  if (!/^[A-Za-z0-9_-]{43}$/.test(jkt))
    throw new OAuthError('invalid_request', 'dpop_jkt must be a base64url JWK SHA-256 thumbprint');
  return jkt;
}

function parsePrompt(value: string | undefined): Prompt[] {
  if (value === undefined) return [];
  const prompts = [...new Set(value.split(' ').filter((item) => item !== ''))];
  const unknown = prompts.filter((prompt) => !(PROMPT_VALUES as readonly string[]).includes(prompt));
  if (unknown.length > 0) throw new OAuthError('invalid_request', `unsupported prompt value: ${unknown.join(' ')}`);
  // OIDC Core §3.1.2.1: `none` with any other value is an error.
  if (prompts.includes('none') && prompts.length > 1)
    throw new OAuthError('invalid_request', 'prompt=none must not be combined with other values');
  return prompts as Prompt[];
}

function parseMaxAge(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,10}$/.test(value))
    throw new OAuthError('invalid_request', 'max_age must be a non-negative integer number of seconds');
  return Number(value);
}
