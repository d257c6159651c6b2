// GET/POST /oauth/authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2) and POST /oauth/authorize/consent: check the request,
// have the user sign in and consent as needed, then send the browser back to the client with a code (§4.1.2).
import { Hono, type Context } from 'hono';
import { issueAuthorizationCode } from '../oauth/authorization-code';
import { assertSignInMeetsAcr } from '../oauth/authentication-context';
import {
  authorizationRequestQuery,
  consentScopes,
  reauthenticationRequired,
  resolveAuthorizationTarget,
  validateAuthorizationRequest,
  type AuthorizationRequest,
  type AuthorizationTarget,
} from '../oauth/authorize-request';
import {
  consentDenied,
  consentRequired,
  parseConsentDecision,
  consentToRecord,
  type ConsentDecision,
} from '../oauth/consent';
import { OAuthError } from '../oauth/errors';
import { authorizationRequestInput, type AuthorizationInput } from '../oauth/authorization-input';
import { consumePushedRequest } from '../oauth/pushed-authorization';
import { assertHintedUserSignedIn } from '../oauth/id-token-hint';
import { scopeDescriptions } from '../oauth/scope-definitions';
import type { RequestParams } from '../oauth/params';
import { AUTHORIZATION_REQUEST_FIELD, ConsentPage } from '../pages/consent';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { authorizationCodeResponse, type AuthorizationRedirect } from './authorization-response';
import { audit } from './audit';
import type { AppEnv } from './context';
import { parseFormBody, readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { allowFormActionTo, htmlPage } from './middleware/html-page';
import { currentSession } from './middleware/session';
import { clientBranding } from './client-branding';
import { LOGIN_HINT_PARAM } from './login';
import { loginUrl, safeReturnTo } from './return-to';

const AUTHORIZE_PATH = '/oauth/authorize';

export const authorizationEndpoint = new Hono<AppEnv>()
  .use(htmlPage())
  .get('/', (c) => authorize(c, parseFormBody(new URL(c.req.url).search.slice(1))))
  // OIDC Core §3.1.2.1 allows POST. A cross-site form post carries no SameSite=Lax session cookie, so the request is
  // checked and then continued as a GET, a top-level navigation that does carry it.
  .post('/', async (c) => {
    const { request, input } = await verifiedRequest(c, await readForm(c), 303);
    return c.redirect(`${AUTHORIZE_PATH}?${carriedQuery(request, input)}`, 303);
  })
  // The consent form. Its CSRF token is bound to the session, so only the session the page was shown to can answer;
  // the request it carries is checked again from the start, as if it had just arrived.
  .post('/consent', csrfProtection(), async (c) => {
    const form = await readForm(c);
    const decision = parseConsentDecision(form.get('decision'));
    return authorize(c, parseFormBody(form.get(AUTHORIZATION_REQUEST_FIELD) ?? ''), decision);
  });

async function authorize(c: Context<AppEnv>, params: RequestParams, decision?: ConsentDecision): Promise<Response> {
  const status = decision === undefined ? 302 : 303;
  const { request, redirect, input } = await verifiedRequest(c, params, status);
  const { pushed } = input;
  const stores = c.get('stores');
  const session = await currentSession(c);
  const nowSeconds = epochSeconds();

  if (
    !session ||
    reauthenticationRequired(signInDemands(request, input, session.authTime), session.authTime, nowSeconds)
  ) {
    // OIDC Core §3.1.2.6: with prompt=none no page may be shown, so the client is told instead.
    if (request.prompts.includes('none')) throw new OAuthError('login_required', 'the user must sign in');
    const signIn = signInUrl(request, input);
    if (signIn === null)
      throw new OAuthError('invalid_request', 'the authorization request is too long to be resumed after signing in');
    return c.redirect(signIn, status);
  }
  assertSignInMeetsAcr(request.claims, session.amr);
  if (request.prompts.includes('none') && request.idTokenHint !== null)
    await assertHintedUserSignedIn(request.idTokenHint, session.user.id, c.get('keys'), c.get('issuer'));
  if (decision === 'deny') {
    await consumePushedRequest(stores, pushed);
    throw consentDenied();
  }
  const consent = decision === 'allow' ? await consentToRecord(stores.consents, session.user.id, request) : undefined;
  if (consent === undefined && (await consentRequired(stores.consents, session.user.id, request))) {
    if (request.prompts.includes('none'))
      throw new OAuthError('consent_required', 'the user has not granted this client the requested scopes');
    return renderConsent(c, request, input, session.user);
  }
  // RFC 9126 §4: a pushed request yields one code; a second tab racing this one finds it consumed.
  if (pushed && !(await stores.pushedRequests.consume(pushed.requestUriHash, nowSeconds))) {
    throw new OAuthError('invalid_request_uri', 'the request_uri was already used');
  }

  const code = await issueAuthorizationCode(
    stores,
    c.get('config'),
    {
      clientId: request.client.id,
      userId: session.user.id,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      resources: request.resources,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      dpopJkt: request.dpopJkt,
      claims: request.claims,
      authTime: session.authTime,
      amr: session.amr,
    },
    nowSeconds,
    consent,
  );
  if (consent !== undefined) {
    audit(c, {
      type: 'consent_granted',
      userId: session.user.id,
      clientId: request.client.id,
      details: { scope: request.scopes },
    });
  }
  return authorizationCodeResponse(redirect, code);
}

/** Checks the client and redirect URI (errors: a page), then the rest (errors: back to the client). */
async function verifiedRequest(c: Context<AppEnv>, sent: RequestParams, status: 302 | 303) {
  const stores = c.get('stores');
  const context = { stores, config: c.get('config'), issuer: c.get('issuer'), clientKeys: c.get('clientKeys') };
  const redirectTo = (target: AuthorizationTarget, params: RequestParams): AuthorizationRedirect => {
    const redirect = { redirectUri: target.redirectUri, state: params.get('state'), issuer: c.get('issuer'), status };
    c.set('authorizationRedirect', redirect);
    return redirect;
  };
  let verified: AuthorizationInput;
  try {
    // RFC 9126 §4 and RFC 9101 §6.3: a pushed request or a request object replaces the parameters sent.
    verified = await authorizationRequestInput(sent, context);
  } catch (error) {
    // A bad request_uri or request object goes back to the client when the parameters sent name a good redirect
    // URI (RFC 9101 §6.3); otherwise the user sees the page.
    const target = await resolveAuthorizationTarget(sent, stores.clients).catch(() => null);
    if (target) redirectTo(target, sent);
    throw error;
  }
  const { params } = verified;
  const target = await resolveAuthorizationTarget(params, stores.clients);
  const redirect = redirectTo(target, params);
  const request = validateAuthorizationRequest(params, target, { config: c.get('config'), issuer: c.get('issuer') });
  return { request, redirect, input: verified };
}

/**
 * What the request asks of the sign-in. A carried pushed or signed request cannot drop its prompt=login after the
 * sign-in, so a sign-in since it was first used (or signed) satisfies it instead.
 */
function signInDemands(request: AuthorizationRequest, input: AuthorizationInput, authTime: number) {
  // Epoch seconds: only a sign-in in a later second is surely after it.
  if (!input.carried || authTime <= input.carried.signedInSince) return request;
  return { ...request, prompts: request.prompts.filter((prompt) => prompt !== 'login' && prompt !== 'select_account') };
}

/** The request as the browser carries it through sign-in and consent: pushed or signed ones as they came. */
function carriedQuery(
  request: AuthorizationRequest,
  input: AuthorizationInput,
  options: { afterSignIn?: boolean } = {},
): string {
  return input.carried?.query ?? authorizationRequestQuery(request, options);
}

async function renderConsent(
  c: Context<AppEnv>,
  request: AuthorizationRequest,
  input: AuthorizationInput,
  user: User,
): Promise<Response> {
  // The form's answer is a redirect to the client, and browsers hold redirects after a form post to form-action.
  allowFormActionTo(c, request.redirectUri);
  const { origin, protocol } = new URL(request.redirectUri);
  return c.html(
    <ConsentPage
      csrfToken={await csrfToken(c)}
      client={clientBranding(c, request.client)}
      redirectOrigin={origin === 'null' ? protocol : origin}
      username={user.username}
      scopes={consentScopes(request)}
      scopeDescriptions={scopeDescriptions(c.get('config').scopes)}
      authorizationRequest={carriedQuery(request, input)}
      switchAccountUrl={signInUrl(request, input) ?? '/login'}
    />,
  );
}

/**
 * The login page, returning to this request without what forced the sign-in, its username prefilled with the
 * login_hint (OIDC Core §3.1.2.1); null when the request is too long to carry.
 */
function signInUrl(request: AuthorizationRequest, input: AuthorizationInput): string | null {
  const returnTo = `${AUTHORIZE_PATH}?${carriedQuery(request, input, { afterSignIn: true })}`;
  // safeReturnTo falls back to the account page for a return_to longer than it keeps.
  if (safeReturnTo(returnTo) !== returnTo) return null;
  const hint = request.loginHint === null ? '' : `&${LOGIN_HINT_PARAM}=${encodeURIComponent(request.loginHint)}`;
  return `${loginUrl(returnTo)}${hint}`;
}
