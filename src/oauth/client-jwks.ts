// The public keys a client registered for signing (RFC 7591 §2 `jwks` / `jwks_uri`), for private_key_jwt (RFC 7523)
// and request objects (RFC 9101). A `jwks_uri` is fetched with limits: https only (loopback http only while the
// issuer itself is local), no redirects, a size and a time limit; the finished set is cached per isolate and fetched
// again at most every 30 s when a key is unknown or a signature fails.
import {
  createLocalJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { Client } from '../storage/types';

export const CLIENT_JWKS_LIMITS = {
  /** A set of a handful of keys is a few KiB. */
  maxBytes: 64 * 1024,
  timeoutMs: 3_000,
  /** Least time between two fetches of one jwks_uri (an unknown `kid` or a failed signature asks for a new one). */
  refetchCooldownSeconds: 30,
  /** Most time a fetched set is used without asking again. */
  maxAgeSeconds: 5 * 60,
  /** Sets cached per isolate; the oldest goes first. */
  maxCachedSets: 500,
} as const;

const NO_KEYS: JSONWebKeySet = { keys: [] };

export type JwksFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientKeySource {
  /** The client's keys: its registered `jwks`, or its `jwks_uri`'s set (cached); no keys when it has neither. */
  keysOf(client: Client): Promise<JSONWebKeySet>;
  /** Fetches the client's `jwks_uri` again unless that happened within the cooldown; null when nothing new was fetched. */
  refetch(client: Client): Promise<JSONWebKeySet | null>;
}

interface CachedSet {
  keys: JSONWebKeySet;
  fetchedAt: number;
}

/** Built once per isolate (app.ts). `allowLoopbackHttp` only for a local issuer. */
export function createClientKeySource(options: { fetch: JwksFetch; allowLoopbackHttp: boolean }): ClientKeySource {
  // Finished sets only, never a pending fetch: workerd forbids awaiting another request's I/O.
  const cache = new Map<string, CachedSet>();

  async function fetchAndCache(uri: string, nowMs: number): Promise<JSONWebKeySet> {
    const keys = (await fetchJwks(uri, options)) ?? NO_KEYS;
    cache.delete(uri);
    if (cache.size >= CLIENT_JWKS_LIMITS.maxCachedSets) cache.delete(cache.keys().next().value!);
    cache.set(uri, { keys, fetchedAt: nowMs });
    return keys;
  }

  return {
    async keysOf(client) {
      const registered = registeredKeys(client);
      if (registered !== undefined) return registered;
      const uri = jwksUriOf(client);
      if (uri === undefined) return NO_KEYS;
      const cached = cache.get(uri);
      const now = Date.now();
      if (cached && now - cached.fetchedAt < CLIENT_JWKS_LIMITS.maxAgeSeconds * 1000) return cached.keys;
      return fetchAndCache(uri, now);
    },
    async refetch(client) {
      const uri = jwksUriOf(client);
      if (uri === undefined) return null;
      const cached = cache.get(uri);
      const now = Date.now();
      if (cached && now - cached.fetchedAt < CLIENT_JWKS_LIMITS.refetchCooldownSeconds * 1000) return null;
      return fetchAndCache(uri, now);
    },
  };
}

function registeredKeys(client: Client): JSONWebKeySet | undefined {
  const jwks = client.metadata.jwks;
  return isJwks(jwks) ? jwks : undefined;
}

function jwksUriOf(client: Client): string | undefined {
  const uri = client.metadata.jwks_uri;
  return typeof uri === 'string' ? uri : undefined;
}

/** The set at `uri`, or null when it breaks a limit or is not a JWK set (the assertion then fails as unverifiable). */
async function fetchJwks(uri: string, options: { fetch: JwksFetch; allowLoopbackHttp: boolean }) {
  if (!jwksUriAllowed(uri, options.allowLoopbackHttp)) return null;
  try {
    const response = await options.fetch(uri, {
      headers: { Accept: 'application/jwk-set+json, application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(CLIENT_JWKS_LIMITS.timeoutMs),
    });
    if (response.status !== 200 || !response.body) return null;
    const parsed: unknown = JSON.parse(await readLimited(response.body, CLIENT_JWKS_LIMITS.maxBytes));
    return isJwks(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** https; plain http only to a loopback host, and only for a local issuer (RFC 8252 §8.3 does not apply here). */
export function jwksUriAllowed(uri: string, allowLoopbackHttp: boolean): boolean {
  if (!URL.canParse(uri)) return false;
  const { protocol, hostname } = new URL(uri);
  if (protocol === 'https:') return true;
  return protocol === 'http:' && allowLoopbackHttp && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the JWK set exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export function isJwks(value: unknown): value is JSONWebKeySet {
  if (typeof value !== 'object' || value === null) return false;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key));
}

// One resolver per key set object: it keeps the keys it imported, and the cached client record (or the cached
// jwks_uri set) hands back the same object, so a key is imported once per isolate rather than once per request.
const resolvers = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

function resolverFor(keys: JSONWebKeySet): JWTVerifyGetKey {
  let resolver = resolvers.get(keys);
  if (!resolver) {
    resolver = createLocalJWKSet(keys);
    resolvers.set(keys, resolver);
  }
  return resolver;
}

/**
 * Verifies a JWT the client signed with one of its registered keys: the payload, or null when it does not verify.
 * When no key matched or the signature failed, the client's jwks_uri is fetched again once (within the cooldown),
 * so a key the client just rotated works at once.
 */
export async function verifyClientSignedJwt(
  jwt: string,
  client: Client,
  source: ClientKeySource,
  options: JWTVerifyOptions,
): Promise<JWTPayload | null> {
  const attempt = async (keys: JSONWebKeySet) => {
    try {
      return (await jwtVerify(jwt, resolverFor(keys), options)).payload;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'key' : null;
    }
  };
  const first = await attempt(await source.keysOf(client));
  if (first !== 'key') return first;
  const refetched = await source.refetch(client);
  if (refetched === null) return null;
  const second = await attempt(refetched);
  return second === 'key' ? null : second;
}
