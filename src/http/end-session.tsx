// GET/POST /oauth/logout, the end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0), and its confirmation
// form at POST /oauth/logout/confirm. A logout link is a cross-site GET anyone can plant, so the session ends at once
// only for a valid id_token_hint naming the signed-in user; otherwise the user confirms with a CSRF-protected form.
import { Hono, type Context } from 'hono';
import { logoutRequestQuery, resolveLogoutRequest, type LogoutRequest } from '../oauth/end-session';
import type { RequestParams } from '../oauth/params';
import { EndSessionPage, LOGOUT_REQUEST_FIELD, SignedOutPage } from '../pages/end-session';
import type { User } from '../storage/types';
import { withQueryParams } from './authorization-response';
import type { AppEnv } from './context';
import { parseFormBody, readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { allowFormActionTo, htmlPage } from './middleware/html-page';
import { headerSafeLocation } from './redirect';
import { currentSession, endSession } from './middleware/session';

export const endSessionEndpoint = new Hono<AppEnv>()
  .use(htmlPage())
  .get('/', (c) => logout(c, parseFormBody(new URL(c.req.url).search.slice(1))))
  // §2 allows POST. A cross-site form post carries no SameSite=Lax session cookie, so the request is checked and then
  // continued as a GET, a top-level navigation that does carry it.
  .post('/', async (c) => c.redirect(`/oauth/logout?${logoutRequestQuery(await resolve(c, await readForm(c)))}`, 303))
  .post('/confirm', csrfProtection(), async (c) => {
    const request = await resolve(c, parseFormBody((await readForm(c)).get(LOGOUT_REQUEST_FIELD) ?? ''));
    await endSession(c);
    return signedOut(c, request, 303);
  });

async function logout(c: Context<AppEnv>, params: RequestParams): Promise<Response> {
  const request = await resolve(c, params);
  const session = await currentSession(c);
  if (session && request.hint?.subject !== session.user.id) return renderConfirmation(c, request, session.user);
  if (session) await endSession(c);
  return signedOut(c, request, 302);
}

function resolve(c: Context<AppEnv>, params: RequestParams): Promise<LogoutRequest> {
  return resolveLogoutRequest(params, {
    clients: c.get('stores').clients,
    keys: c.get('keys'),
    issuer: c.get('issuer'),
  });
}

/** Back to the client's registered post-logout URI with its state (§3), or a page saying so. */
function signedOut(c: Context<AppEnv>, request: LogoutRequest, status: 302 | 303): Response | Promise<Response> {
  if (request.postLogoutRedirectUri === null) return c.html(<SignedOutPage />);
  return c.redirect(
    headerSafeLocation(withQueryParams(request.postLogoutRedirectUri, { state: request.state })),
    status,
  );
}

async function renderConfirmation(c: Context<AppEnv>, request: LogoutRequest, user: User): Promise<Response> {
  // The form's answer is a redirect to the client, and browsers hold redirects after a form post to form-action.
  if (request.postLogoutRedirectUri !== null) allowFormActionTo(c, request.postLogoutRedirectUri);
  return c.html(
    <EndSessionPage
      csrfToken={await csrfToken(c)}
      username={user.username}
      clientName={request.client ? request.client.name || request.client.id : null}
      logoutRequest={logoutRequestQuery(request)}
    />,
  );
}
