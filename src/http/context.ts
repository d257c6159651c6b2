// The Hono environment shared by every route: bindings plus what middleware puts on the context.
import type { Bindings } from '../env';
import type { Config } from '../config';
import type { KeyRing } from '../tokens/keys';
import type { Stores } from '../storage/stores';
import type { ActiveSession, Client } from '../storage/types';
import type { ClientKeySource } from '../oauth/client-jwks';
import type { Grant } from '../oauth/grants/types';
import type { RequestParams } from '../oauth/params';
import type { SecretBox } from '../tokens/secret-box';
import type { AuthorizationRedirect } from './authorization-response';
import type { UpstreamRelyingParty } from '../oauth/upstream/relying-party';

export interface AppVariables {
  config: Config;
  /** The issuer identifier for this request: ISSUER, or the request origin in development. */
  issuer: string;
  keys: KeyRing;
  stores: Stores;
  /** Client signing keys (`jwks`, `jwks_uri`), cached per isolate (oauth/client-jwks.ts). */
  clientKeys: ClientKeySource;
  /** Seals client_secret_jwt secrets; undefined when CLIENT_SECRET_ENCRYPTION_KEY is not set. */
  secretBox: SecretBox | undefined;
  /** Set by readForm once the body is parsed, so it is parsed once. */
  params: RequestParams;
  /** Set by the client-auth middleware. */
  client: Client;
  /** The token request's grant_type and its grant, looked up once (http/token.ts). */
  grant: { type: string; grant: Grant };
  /** `html` on page routes (middleware/html-page.ts): onError then renders an error page instead of JSON. */
  errorFormat: 'json' | 'html' | undefined;
  /** The current login session, read once per request (middleware/session.ts). */
  session: Promise<ActiveSession | null> | undefined;
  /** A session token started ('' when ended) during this request, overriding the cookie (middleware/session.ts). */
  sessionToken: string | undefined;
  /** The CSRF token of this response's forms (middleware/csrf.ts). */
  csrfToken: string | undefined;
  /** Extra CSP form-action sources for this page (middleware/html-page.ts allowFormActionTo). */
  formActionOrigins: string[] | undefined;
  /** Extra CSP img-src origins for this page, e.g. a client's logo (middleware/html-page.ts allowImageFrom). */
  imageOrigins: string[] | undefined;
  /** The nonce of this page's inline script, if it has one (middleware/html-page.ts allowInlineScript). */
  scriptNonce: string | undefined;
  /** Whether this page's scripts may fetch from this origin (middleware/html-page.ts allowFetchToSelf). */
  connectToSelf: boolean | undefined;
  /** Set once an authorization request's client and redirect URI are verified: onError then redirects there. */
  authorizationRedirect: AuthorizationRedirect | undefined;
  /** The relying party of the upstream OpenID providers, built once per isolate (oauth/upstream/relying-party.ts). */
  upstream: UpstreamRelyingParty;
}

/** The issuer identifier (RFC 8414 §2): ISSUER when configured, else the origin the request was sent to (development). */
export function requestIssuer(config: Config, requestUrl: string): string {
  return config.issuer ?? new URL(requestUrl).origin;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: AppVariables;
}
