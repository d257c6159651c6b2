// verifyAccessToken and requireScope: Hono middleware that guards routes with createVerifier, answers the RFC 6750
// §3 Bearer challenges (challenge.ts), and lets CORS preflights through.
import type { Context, Env, MiddlewareHandler } from 'hono';
import { bearerErrorResponse, type ChallengeOptions } from './challenge.js';
import type { DPoPReplayStore } from './dpop-replay.js';
import {
  createVerifier,
  requireScopes,
  VerifyError,
  type AccessTokenClaims,
  type Verifier,
  type VerifierOptions,
} from './index.js';
import { resourceMetadataUrl } from './resource-metadata.js';

/** What the middleware puts on the context: `c.get('accessToken')`. */
export interface AccessTokenVariables {
  accessToken: AccessTokenClaims;
  /**
   * How verifyAccessToken challenged: realm, RFC 9728 metadata URL, DPoP settings and scheme (RFC 9449 §7.1), so
   * requireScope and handlers answer in the same protection space (pass it to bearerErrorResponse).
   */
  bearerChallenge: ChallengeOptions;
}
export interface AccessTokenEnv {
  Variables: AccessTokenVariables;
}

export interface GuardOptions {
  /** Scopes the token must all carry; missing ones answer 403 insufficient_scope. */
  scopes?: readonly string[];
  /** The `realm` of the challenges (RFC 6750 §3); default the verifier's first audience. */
  realm?: string;
  /**
   * The RFC 9728 metadata URL put in every challenge as `resource_metadata` (§5.1): a URL, or `true` for the URL
   * derived from the verifier's first audience as the resource identifier (§3.1). Default: none.
   */
  resourceMetadata?: string | boolean;
  /** Name `scopes` in the 401 challenges as well as the 403 (RFC 6750 §3 `scope`); default false. */
  challengeScope?: boolean;
}

/** Where the middleware gets the DPoP replay store of a request, when it depends on the request's environment. */
export interface ReplayStoreSource<E extends Env> {
  replayStoreFor?: (c: Context<E & AccessTokenEnv>) => DPoPReplayStore;
}

/** Where the middleware gets its verifier: built from options, given once, or chosen per request (e.g. by issuer). */
export type VerifierSource<E extends Env> =
  | VerifierOptions
  | { verifier: Verifier }
  | { verifierFor: (c: Context<E & AccessTokenEnv>) => Verifier };

export type VerifyAccessTokenOptions<E extends Env = Env> = GuardOptions & ReplayStoreSource<E> & VerifierSource<E>;

/**
 * Verifies the `Authorization: Bearer` access token (see createVerifier for every check), requires `scopes`, and
 * sets the claims as `c.get('accessToken')`. Handlers must still decide whether `sub` may act on the resource.
 * A `verifierFor` function must return a verifier it keeps, not build one per request.
 *
 * An `OPTIONS` request without `Authorization` passes unchallenged: a browser's CORS preflight never carries
 * credentials (Fetch standard §3.2.2), so challenging it would block every cross-origin call. Put `resourceCors`
 * in front to answer it.
 */
export function verifyAccessToken<E extends Env = Env>(
  options: VerifyAccessTokenOptions<E>,
): MiddlewareHandler<E & AccessTokenEnv> {
  const verifierFor = chooseVerifier(options);
  const scopes = options.scopes ?? [];
  return async function verifyAccessTokenMiddleware(c, next) {
    if (isUncredentialedOptions(c)) return next();
    const verifier = verifierFor(c);
    const challenge: ChallengeOptions = {
      realm: options.realm ?? verifier.audience[0] ?? '',
      resourceMetadata: metadataUrlFor(options.resourceMetadata, verifier),
      scope: options.challengeScope ? scopes.join(' ') : undefined,
      dpop: verifier.dpop,
      scheme: /^DPoP\s/i.test(c.req.header('authorization') ?? '') ? 'DPoP' : 'Bearer',
    };
    try {
      const claims = await verifier(c.req.raw, { replayStore: options.replayStoreFor?.(c) });
      requireScopes(claims, scopes);
      c.set('accessToken', claims);
      c.set('bearerChallenge', challenge);
    } catch (error) {
      if (error instanceof VerifyError) return bearerErrorResponse(error, challenge);
      throw error;
    }
    await next();
  };
}

function chooseVerifier<E extends Env>(source: VerifierSource<E>): (c: Context<E & AccessTokenEnv>) => Verifier {
  if ('verifierFor' in source) return source.verifierFor;
  const verifier = 'verifier' in source ? source.verifier : createVerifier(source);
  return () => verifier;
}

function metadataUrlFor(option: string | boolean | undefined, verifier: Verifier): string | undefined {
  if (typeof option === 'string') return option;
  const resource = verifier.audience[0];
  return option === true && resource !== undefined ? resourceMetadataUrl(resource) : undefined;
}

function isUncredentialedOptions(c: Context): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('authorization') === undefined;
}

/** Requires scopes of a token already verified by verifyAccessToken earlier in the chain (RFC 6750 §3.1). */
export function requireScope(...scopes: string[]): MiddlewareHandler<AccessTokenEnv> {
  return async function requireScopeMiddleware(c, next) {
    if (isUncredentialedOptions(c)) return next();
    try {
      requireScopes(c.get('accessToken'), scopes);
    } catch (error) {
      if (error instanceof VerifyError) return bearerErrorResponse(error, c.get('bearerChallenge'));
      throw error;
    }
    await next();
  };
}
