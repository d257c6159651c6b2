// A bounded in-memory cache of already-verified access tokens, keyed by the SHA-256 of the token, so a client
// that sends the same token on every call pays one hash instead of one signature check (issue 5 goal 2).
import { base64url } from 'jose';

export interface TokenCacheOptions {
  /** Longest an entry lives, in seconds; 0 disables the cache. */
  maxAgeSeconds: number;
  /** Most entries held; the oldest is dropped first. */
  maxEntries: number;
}

export interface TokenCache<Claims> {
  /** The claims of a token verified earlier, if its entry is still fresh. */
  get(key: string): Claims | undefined;
  /** Remembers verified claims until `exp` or the maximum age, whichever comes first. */
  set(key: string, claims: Claims, expiresAtSeconds: number): void;
}

interface Entry<Claims> {
  claims: Claims;
  expiresAtMs: number;
}

const encoder = new TextEncoder();

/** The cache key: a hash, so the cache holds no usable bearer token and its keys have a fixed size. */
export async function tokenCacheKey(token: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token))));
}

export function createTokenCache<Claims>({ maxAgeSeconds, maxEntries }: TokenCacheOptions): TokenCache<Claims> {
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const entries = new Map<string, Entry<Claims>>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (Date.now() < entry.expiresAtMs) return entry.claims;
      entries.delete(key);
      return undefined;
    },
    set(key, claims, expiresAtSeconds) {
      const expiresAtMs = Math.min(expiresAtSeconds * 1000, Date.now() + maxAgeSeconds * 1000);
      if (expiresAtMs <= Date.now()) return;
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { claims, expiresAtMs });
    },
  };
}
