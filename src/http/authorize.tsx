// GET/POST /oauth/authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2) and POST /oauth/authorize/consent: check the request,
// have the user sign in and consent as needed, then send the browser back to the client with a code (§4.1.2).
import { Hono, type Context } from 'hono';
import { issueAuthorizationCode } from '../oauth/authorization-code';
import {
  authorizationRequestQuery,
  consentScopes,
  reauthenticationRequired,
  resolveAuthorizationTarget,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from '../oauth/authorize-request';
import {
  consentDenied,
  consentRequired,
  parseConsentDecision,
  recordConsent,
  type ConsentDecision,
} from '../oauth/consent';
import { OAuthError } from '../oauth/errors';
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
    const { request } = await verifiedRequest(c, await readForm(c), 303);
    return c.redirect(`${AUTHORIZE_PATH}?${authorizationRequestQuery(request)}`, 303);
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
  const { request, redirect } = await verifiedRequest(c, params, status);
  const stores = c.get('stores');
  const session = await currentSession(c);
  const nowSeconds = epochSeconds();

  if (!session || reauthenticationRequired(request, session.authTime, nowSeconds)) {
    // OIDC Core §3.1.2.6: with prompt=none no page may be shown, so the client is told instead.
    if (request.prompts.includes('none')) throw new OAuthError('login_required', 'the user must sign in');
    const signIn = signInUrl(request);
    if (signIn === null)
      throw new OAuthError('invalid_request', 'the authorization request is too long to be resumed after signing in');
    return c.redirect(signIn, status);
  }
  if (request.prompts.includes('none') && request.idTokenHint !== null)
    await assertHintedUserSignedIn(request.idTokenHint, session.user.id, c.get('keys'), c.get('issuer'));
  if (decision === 'deny') throw consentDenied();
  if (decision === 'allow') {
    await recordConsent(stores.consents, session.user.id, request, nowSeconds);
    audit(c, {
      type: 'consent_granted',
      userId: session.user.id,
      clientId: request.client.id,
      details: { scope: request.scopes },
    });
  } else if (await consentRequired(stores.consents, session.user.id, request)) {
    if (request.prompts.includes('none'))
      throw new OAuthError('consent_required', 'the user has not granted this client the requested scopes');
    return renderConsent(c, request, session.user);
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
      claims: request.claims,
      authTime: session.authTime,
    },
    nowSeconds,
  );
  return authorizationCodeResponse(redirect, code);
}

/** Checks the client and redirect URI (errors: a page), then the rest (errors: back to the client). */
async function verifiedRequest(c: Context<AppEnv>, params: RequestParams, status: 302 | 303) {
  const target = await resolveAuthorizationTarget(params, c.get('stores').clients);
  const redirect: AuthorizationRedirect = {
    redirectUri: target.redirectUri,
    state: params.get('state'),
    issuer: c.get('issuer'),
    status,
  };
  c.set('authorizationRedirect', redirect);
  const request = validateAuthorizationRequest(params, target, { config: c.get('config'), issuer: c.get('issuer') });
  return { request, redirect };
}

async function renderConsent(c: Context<AppEnv>, request: AuthorizationRequest, user: User): Promise<Response> {
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
      authorizationRequest={authorizationRequestQuery(request)}
      switchAccountUrl={signInUrl(request) ?? '/login'}
    />,
  );
}

/**
 * The login page, returning to this request without what forced the sign-in, its username prefilled with the
 * login_hint (OIDC Core §3.1.2.1); null when the request is too long to carry.
 */
function signInUrl(request: AuthorizationRequest): string | null {
  const returnTo = `${AUTHORIZE_PATH}?${authorizationRequestQuery(request, { afterSignIn: true })}`;
  // safeReturnTo falls back to the account page for a return_to longer than it keeps.
  if (safeReturnTo(returnTo) !== returnTo) return null;
  const hint = request.loginHint === null ? '' : `&${LOGIN_HINT_PARAM}=${encodeURIComponent(request.loginHint)}`;
  return `${loginUrl(returnTo)}${hint}`;
}
