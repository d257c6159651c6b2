// Portcullis as an OpenID Connect relying party of an upstream provider (OIDC Core §3.1, the code flow), through
// oauth4webapi: discovery (OIDC Discovery §4, cached per isolate), PKCE S256 (RFC 7636), state, nonce, the RFC 9207
// `iss` response parameter, and the ID Token checked for iss, aud, azp, exp, iat and nonce (§3.1.3.7) and for its
// signature against the upstream's JWKS.
import * as oauth from 'oauth4webapi';
import { isLoopbackHost } from '../../config';
import { OAuthError } from '../errors';
import type { UpstreamRequestValues } from './authorization-secret';
import type { UpstreamProvider } from './providers';

/** How long a sign-in may spend at the upstream before its callback is refused. */
export const UPSTREAM_SIGN_IN_TTL_SECONDS = 10 * 60;
/** How long a discovery document is reused before it is fetched again. */
export const UPSTREAM_DISCOVERY_CACHE_SECONDS = 60 * 60;
/** Each request to an upstream (discovery, token, JWKS) gives up after this long. */
export const UPSTREAM_REQUEST_TIMEOUT_MS = 10_000;

/** The upstream account an ID Token vouched for, with the claims a new local user may be named after. */
export interface UpstreamAccount {
  issuer: string;
  subject: string;
  preferredUsername: string | undefined;
  email: string | undefined;
  /** The upstream's own `amr`, recorded in the audit event (it is the upstream's statement, not this issuer's). */
  amr: string[] | undefined;
}

export interface UpstreamRelyingParty {
  /** The origin of the upstream's authorization endpoint (a page's CSP form-action), or null when undiscoverable. */
  authorizationOrigin(provider: UpstreamProvider): Promise<string | null>;
  /** The upstream authorization request URL (OIDC Core §3.1.2.1) for this attempt's values. */
  authorizationUrl(provider: UpstreamProvider, redirectUri: string, values: UpstreamRequestValues): Promise<URL>;
  /** Checks the callback and the ID Token its code is exchanged for; throws OAuthError on any failed check. */
  complete(
    provider: UpstreamProvider,
    redirectUri: string,
    values: UpstreamRequestValues,
    callback: URLSearchParams,
  ): Promise<UpstreamAccount>;
}

interface CachedMetadata {
  metadata: oauth.AuthorizationServer;
  fetchedAtMs: number;
}

/** Built once per isolate; its caches hold finished values only (a pending promise cannot cross requests in workerd). */
export function createUpstreamRelyingParty() {
  const discovered = new Map<string, CachedMetadata>();
  const jwksCaches = new Map<string, oauth.JWKSCacheInput>();

  const requestOptions = (provider: UpstreamProvider) => ({
    // Plain http only for a loopback upstream (config allows nothing else): local development and the tests.
    [oauth.allowInsecureRequests]: isLoopbackHost(new URL(provider.issuer).hostname),
    signal: AbortSignal.timeout(UPSTREAM_REQUEST_TIMEOUT_MS),
  });

  async function metadataOf(provider: UpstreamProvider): Promise<oauth.AuthorizationServer> {
    const cached = discovered.get(provider.issuer);
    if (cached && Date.now() - cached.fetchedAtMs < UPSTREAM_DISCOVERY_CACHE_SECONDS * 1000) return cached.metadata;
    const issuer = new URL(provider.issuer);
    const metadata = await checked(
      provider,
      async () =>
        oauth.processDiscoveryResponse(
          issuer,
          await oauth.discoveryRequest(issuer, { ...requestOptions(provider), algorithm: 'oidc' }),
        ),
      'discovery',
    );
    discovered.set(provider.issuer, { metadata, fetchedAtMs: Date.now() });
    return metadata;
  }

  function jwksCacheOf(provider: UpstreamProvider): oauth.JWKSCacheInput {
    let cache = jwksCaches.get(provider.issuer);
    if (!cache) {
      cache = {};
      jwksCaches.set(provider.issuer, cache);
    }
    return cache;
  }

  return {
    async authorizationOrigin(provider) {
      try {
        const endpoint = (await metadataOf(provider)).authorization_endpoint;
        return endpoint ? new URL(endpoint).origin : null;
      } catch {
        return null;
      }
    },

    async authorizationUrl(provider, redirectUri, values) {
      const metadata = await metadataOf(provider);
      if (!metadata.authorization_endpoint)
        throw upstreamFailure(provider, 'its discovery names no authorization endpoint');
      const url = new URL(metadata.authorization_endpoint);
      // RFC 6749 §3.1: a query the endpoint already has is kept.
      const parameters = {
        response_type: 'code',
        client_id: provider.clientId,
        redirect_uri: redirectUri,
        scope: provider.scopes.join(' '),
        state: values.state,
        nonce: values.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(values.codeVerifier),
        code_challenge_method: 'S256',
      };
      for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
      return url;
    },

    async complete(provider, redirectUri, values, callback) {
      const metadata = await metadataOf(provider);
      const client: oauth.Client = { client_id: provider.clientId };
      const authentication =
        provider.tokenEndpointAuthMethod === 'client_secret_post'
          ? oauth.ClientSecretPost(provider.clientSecret)
          : oauth.ClientSecretBasic(provider.clientSecret);
      // RFC 6749 §10.12 state and RFC 9207 §2.4 iss: compared before the code is used.
      const parameters = await checked(provider, () =>
        oauth.validateAuthResponse(metadata, client, callback, values.state),
      );
      const response = await checked(
        provider,
        () =>
          oauth.authorizationCodeGrantRequest(
            metadata,
            client,
            authentication,
            parameters,
            redirectUri,
            values.codeVerifier,
            requestOptions(provider),
          ),
        'token request',
      );
      const tokens = await checked(provider, () =>
        oauth.processAuthorizationCodeResponse(metadata, client, response, {
          expectedNonce: values.nonce,
          requireIdToken: true,
        }),
      );
      // §3.1.3.7 allows TLS in place of the signature for a token-endpoint ID Token; it is checked anyway, so a
      // compromised transport or a misrouted upstream cannot name an account.
      await checked(provider, () =>
        oauth.validateApplicationLevelSignature(metadata, response, {
          ...requestOptions(provider),
          [oauth.jwksCache]: jwksCacheOf(provider),
        }),
      );
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      return {
        issuer: claims.iss,
        subject: claims.sub,
        preferredUsername: typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        amr: Array.isArray(claims.amr) ? claims.amr.filter((value) => typeof value === 'string') : undefined,
      };
    },
  } satisfies UpstreamRelyingParty;
}

/**
 * Runs one step against what the upstream (or, for the callback, the browser) sent. A failed check is a 400 naming
 * it; the upstream's own error answer a 403 (authorization) or 502 (token endpoint); anything else, a network failure
 * or a broken discovery document, a 502: never this issuer's 500.
 */
async function checked<T>(provider: UpstreamProvider, check: () => T | Promise<T>, step = 'check'): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      // The upstream answered with an error (the user cancelled, or it refused this client): RFC 6749 §4.1.2.1.
      throw new OAuthError('access_denied', `${provider.name} did not sign you in (${error.error})`, { cause: error });
    }
    if (error instanceof oauth.ResponseBodyError) {
      throw upstreamFailure(provider, `its token endpoint refused the code (${error.error})`, error);
    }
    if (
      step === 'check' &&
      (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError)
    ) {
      throw new OAuthError('invalid_request', `the sign-in with ${provider.name} failed a check: ${error.message}`, {
        cause: error,
      });
    }
    throw upstreamFailure(provider, `its ${step} failed`, error);
  }
}

function upstreamFailure(provider: UpstreamProvider, what: string, cause?: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', `${provider.name} could not be used: ${what}`, {
    status: 502,
    cause,
  });
}
