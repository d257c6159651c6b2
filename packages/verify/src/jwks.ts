// Where the verifier finds the issuer's public keys (RFC 7517 JWK set): a local set, or a remote one held by
// jose's in-memory cached remote set, fetched by URL or through a Worker service binding's fetch, with concurrent
// fetches coalesced into one (coalesced-fetch.ts).
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { coalesceFetches } from './coalesced-fetch.js';
import { VerifyError } from './errors.js';

/** jose's default: an unknown `kid` refetches the JWKS at most this often. */
export const JWKS_COOLDOWN_SECONDS = 30;
/** jose's default: keys are refetched at least this often, so a withdrawn key stops verifying within it. */
export const JWKS_MAX_AGE_SECONDS = 600;

/** A fetch for the JWKS, such as `(url, init) => env.ISSUER.fetch(url, init)` for a service binding. */
export type JwksFetcher = FetchImplementation;

export interface KeySource {
  /** A JWK set held in memory (public keys only). Takes precedence over `jwksUri`. */
  jwks?: JSONWebKeySet;
  /** Where the issuer publishes its JWKS. Defaults to `<issuer>/.well-known/jwks.json` when `jwksFetcher` is given. */
  jwksUri?: string | URL;
  /** Fetches `jwksUri` instead of the global fetch: a service binding's fetch, or a test double. */
  jwksFetcher?: JwksFetcher;
  /** Minimum seconds between refetches triggered by an unknown `kid`; default JWKS_COOLDOWN_SECONDS. */
  jwksCooldownSeconds?: number;
  /** Maximum seconds fetched keys are trusted before a refetch; default JWKS_MAX_AGE_SECONDS. */
  jwksMaxAgeSeconds?: number;
}

/** Builds the key resolver once; it imports each key once and keeps it for the resolver's lifetime. */
export function createKeyResolver(source: KeySource, issuer: string): JWTVerifyGetKey {
  if (source.jwks) return createLocalJWKSet(source.jwks);
  const uri =
    source.jwksUri ?? (source.jwksFetcher ? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json` : undefined);
  if (uri === undefined) throw new TypeError('createVerifier needs `jwks`, `jwksUri` or `jwksFetcher`');
  const remote = createRemoteJWKSet(new URL(uri), {
    cooldownDuration: (source.jwksCooldownSeconds ?? JWKS_COOLDOWN_SECONDS) * 1000,
    cacheMaxAge: (source.jwksMaxAgeSeconds ?? JWKS_MAX_AGE_SECONDS) * 1000,
    [customFetch]: coalesceFetches(source.jwksFetcher ?? ((url, init) => fetch(url, init))),
  });
  return async function resolveRemoteKey(header, token) {
    try {
      return await remote(header, token);
    } catch (error) {
      // A key that is absent or ambiguous is the token's fault; anything else (network, status, JSON) is ours.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      if (error instanceof errors.JOSENotSupported) throw error;
      throw new VerifyError('ERR_JWKS_UNAVAILABLE', 'the token signing keys could not be fetched', { cause: error });
    }
  };
}
