// createApp: global middleware, route mounting, and app.onError, the one place errors become responses.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { resourceMetadataEndpoint } from './api/resource-metadata';
import { unicornsApi } from './api/unicorns';
import { isLoopbackHost, type Config } from './config';
import { requestIssuer, type AppEnv } from './http/context';
import { deviceAuthorizationEndpoint } from './http/device-authorization';
import { devicePages } from './http/device';
import { endSessionEndpoint } from './http/end-session';
import { accountPage } from './http/account';
import { accountEmailRoutes } from './http/account-email';
import { devOutboxPage, DEV_OUTBOX_PATH } from './http/dev-outbox';
import { emailVerificationPages } from './http/email-verification';
import { passwordResetPages } from './http/password-reset';
import { applicationPages } from './http/account-applications';
import { authorizationPages } from './http/account-authorizations';
import { securityPages } from './http/account-security';
import { passkeyPages } from './http/account-passkeys';
import { twoFactorPages } from './http/account-two-factor';
import { secondFactorEndpoint } from './http/login-second-factor';
import { authorizationErrorResponse, type AuthorizationRedirect } from './http/authorization-response';
import { authorizationEndpoint } from './http/authorize';
import { stylesheet } from './http/assets';
import { renderErrorPage } from './http/error-page';
import { pushedAuthorizationEndpoint } from './http/par';
import { logId } from './http/log-id';
import { loginEndpoint } from './http/login';
import { passkeyLogin } from './http/login-passkey';
import { logoutEndpoint } from './http/logout';
import { answerWrongMethods } from './http/method-not-allowed';
import { requestBodyLimit } from './http/middleware/body-limit';
import { clientCors, clientIdFromAccessToken, clientIdFromCredentials, publicCors } from './http/middleware/cors';
import { NO_STORE_HEADERS } from './http/middleware/no-store';
import { securityHeaders } from './http/middleware/security-headers';
import { introspectionEndpoint } from './http/introspect';
import { registrationEndpoints } from './http/register';
import { revocationEndpoint } from './http/revoke';
import { signupEndpoint } from './http/signup';
import { passkeySignup } from './http/signup-passkey';
import { tokenEndpoint } from './http/token';
import { userinfoEndpoint } from './http/userinfo';
import { WELL_KNOWN_PATHS, wellKnownResponder } from './http/well-known';
import { createClientKeySource } from './oauth/client-jwks';
import { OAuthError } from './oauth/errors';
import { storesFor } from './storage/stores';
import { clientMetadataPolicy } from './oauth/client-records';
import { metadataDocumentClients } from './oauth/metadata-document-clients';
import type { SigningKeySource } from './tokens/keys';
import { createSecretBox } from './tokens/secret-box';
import { createUpstreamRelyingParty } from './oauth/upstream/relying-party';
import { upstreamLoginEndpoint } from './http/upstream-login';
import { upstreamAccountPages } from './http/account-upstream';

/** Endpoints of the protocols (RFC 8414 metadata names them), answering a wrong method with 405 and Allow. */
const PROTOCOL_ENDPOINTS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
  '/oauth/authorize',
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/introspect',
  '/oauth/userinfo',
  '/oauth/logout',
  '/oauth/register',
  '/oauth/register/:clientId',
  '/oauth/device_authorization',
  '/oauth/par',
];

/** The routes that are HTML pages (each runs htmlPage()), in mounting order: /account before its sub-pages. */
const PAGE_ROUTES: ReadonlyArray<readonly [string, Hono<AppEnv>]> = [
  ['/oauth/authorize', authorizationEndpoint],
  ['/oauth/logout', endSessionEndpoint],
  ['/device', devicePages],
  ['/signup/passkey', passkeySignup],
  ['/signup', signupEndpoint],
  ['/login/passkey', passkeyLogin],
  ['/login', loginEndpoint],
  ['/login/second-factor', secondFactorEndpoint],
  ['/logout', logoutEndpoint],
  ['/account', accountPage],
  ['/account/applications', applicationPages],
  ['/account/authorizations', authorizationPages],
  ['/account/security/passkeys', passkeyPages],
  ['/account/security', securityPages],
  ['/account/security/upstream', upstreamAccountPages],
  ['/upstream', upstreamLoginEndpoint],
  ['/account/security/two-factor', twoFactorPages],
  ['/account/email', accountEmailRoutes],
  ['/email/verify', emailVerificationPages],
  ['/password-reset', passwordResetPages],
  [DEV_OUTBOX_PATH, devOutboxPage],
];

export interface AppDependencies {
  config: Config;
  /** Built once per isolate (oauth/signing-key-source.ts): a fixed ring, or the managed keys of D1. */
  keys: SigningKeySource;
  /** How Client ID Metadata Documents are fetched; default the Worker's fetch (tests pass a stand-in). */
  fetchDocument?: (request: Request) => Promise<Response>;
}

export function createApp({
  config,
  keys,
  fetchDocument = (request) => fetch(request),
}: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const clientKeys = createClientKeySource({
    fetch: (url, init) => fetch(url, init),
    // Plain-http loopback key sets only while the issuer itself is local (npm start, the tests).
    allowLoopbackHttp: config.issuer === undefined || isLoopbackHost(new URL(config.issuer).hostname),
  });
  const secretBox = config.clientSecretEncryptionKey ? createSecretBox(config.clientSecretEncryptionKey) : undefined;
  const documentClients = config.clientMetadataDocuments.enabled
    ? metadataDocumentClients({
        fetch: fetchDocument,
        allowLoopbackHttp: config.clientMetadataDocuments.allowLoopbackHttp,
      })
    : undefined;
  const upstream = createUpstreamRelyingParty();

  // Discovery and the JWKS: declared here (the route table, and 405s for other methods), and answered by
  // `wellKnown` in front of app.fetch (the end of this function) before Hono routes anything. Their CORS preflights
  // come first here, before the global middleware.
  const wellKnown = wellKnownResponder(config, keys);
  app.on('GET', WELL_KNOWN_PATHS, (c) => wellKnown(c.req.raw)!);
  app.options('/.well-known/*', publicCors());
  // RFC 9728 resource metadata is a route like any other, but registered before app.use(), so it answers without
  // running the middleware below (Hono runs matched handlers in registration order).
  app.on(
    'GET',
    ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/*'],
    resourceMetadataEndpoint(config),
  );

  app.use(securityHeaders());
  app.use(async function requestContext(c, next) {
    c.set('config', config);
    c.set('issuer', requestIssuer(config, c.req.url));
    const currentKeys = await keys.current();
    c.set('keys', currentKeys);
    const stores = storesFor(c.env.DB);
    if (documentClients) {
      // Clients named by a metadata document are validated with dynamic registration's rules for third parties.
      const policy = clientMetadataPolicy(config.scopes, {
        firstParty: false,
        idTokenSigningAlgorithms: currentKeys.algorithms,
      });
      c.set('stores', { ...stores, clients: documentClients.over(stores.clients, policy) });
    } else {
      c.set('stores', stores);
    }
    c.set('clientKeys', clientKeys);
    c.set('secretBox', secretBox);
    c.set('upstream', upstream);
    await next();
  });
  // CORS by path (docs/cors.md), outside the body limit so that error is readable by an allowed origin too.
  for (const path of [
    '/oauth/token',
    '/oauth/revoke',
    '/oauth/introspect',
    '/oauth/device_authorization',
    '/oauth/par',
  ]) {
    app.use(path, clientCors({ methods: ['POST'], namedClientId: clientIdFromCredentials }));
  }
  app.use('/oauth/userinfo', clientCors({ methods: ['GET', 'POST'], namedClientId: clientIdFromAccessToken }));
  app.use(requestBodyLimit(PAGE_ROUTES.map(([path]) => path)));

  app.route('/oauth/token', tokenEndpoint);
  app.route('/oauth/revoke', revocationEndpoint);
  app.route('/oauth/introspect', introspectionEndpoint);
  app.route('/oauth/userinfo', userinfoEndpoint);
  app.route('/oauth/register', registrationEndpoints);
  app.route('/oauth/device_authorization', deviceAuthorizationEndpoint);
  app.route('/oauth/par', pushedAuthorizationEndpoint);
  app.route('/api', unicornsApi());
  for (const [path, pages] of PAGE_ROUTES) app.route(path, pages);
  app.route('/assets/style.css', stylesheet);
  answerWrongMethods(app, PROTOCOL_ENDPOINTS);

  app.notFound((c) => c.json({ error: 'not_found', error_description: 'no such endpoint' }, 404));
  app.onError((error, c) => renderError(error, c, c.get('errorFormat'), c.get('authorizationRedirect')));

  // Hono's fetch (and app.request, which calls it) with the precomputed documents in front: routing, context and
  // middleware cost more than these documents do (docs/performance.md).
  const route = app.fetch;
  app.fetch = (request, env, executionCtx) => wellKnown(request) ?? route(request, env, executionCtx);
  return app;
}

function renderError(
  error: Error,
  c: Context<AppEnv>,
  format: AppEnv['Variables']['errorFormat'],
  redirect: AuthorizationRedirect | undefined,
): Response | Promise<Response> {
  const oauthError = toOAuthError(error);
  if (oauthError.status >= 500) console.error(`[${logId(c)}]`, error);
  // RFC 6749 §4.1.2.1: once the client and redirect URI are verified, authorization errors go back to the client.
  if (redirect) return authorizationErrorResponse(redirect, oauthError);
  if (format === 'html') return renderErrorPage(oauthError);
  return Response.json(oauthError.toJSON(), {
    status: oauthError.status,
    headers: { ...NO_STORE_HEADERS, ...oauthError.headers },
  });
}

function toOAuthError(error: Error): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 405 ? 'method_not_allowed' : error.status === 404 ? 'not_found' : 'invalid_request';
    return new OAuthError(code, error.message || 'the request is invalid', { status: error.status });
  }
  return new OAuthError('server_error', 'the server could not complete the request', { cause: error });
}
