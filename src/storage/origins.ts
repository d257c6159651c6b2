// The origins some client lists in `allowed_origins`, for CORS preflights (Fetch standard §3.2.2): the whole set is
// loaded with one json_each query and kept in the isolate for a short TTL, so a preflight costs no D1 round trip.
import { sql } from 'drizzle-orm';
import type { Database } from './db';
import { clients } from './schema';
import type { OriginStore } from './types';

/**
 * How long an isolate trusts its copy of the set. A new origin is admitted by preflights at most this late; a removed
 * one keeps passing preflights this long, which is harmless because the actual response checks the client's own row.
 */
export const ALLOWED_ORIGINS_TTL_SECONDS = 60;

export function createOriginStore(db: Database): OriginStore {
  // One set per TTL per isolate. Unknown origins are answered from the same set, so a flood of preflights from
  // random origins never reaches D1. Only a finished set is shared: in Workers a promise tied to one request's I/O
  // must not be awaited by another request (the first may be cancelled), so concurrent misses each load it.
  let cached: { origins: ReadonlySet<string>; expiresAt: number } | undefined;

  async function loadOrigins(): Promise<ReadonlySet<string>> {
    const rows = await db.all<{ origin: unknown }>(
      sql`SELECT DISTINCT json_each.value AS origin FROM ${clients}, json_each(${clients.allowedOrigins})`,
    );
    return new Set(rows.flatMap(({ origin }) => (typeof origin === 'string' ? [origin] : [])));
  }

  return {
    async isAllowedForSomeClient(origin) {
      const now = Date.now();
      if (!cached || now >= cached.expiresAt) {
        // A failed load throws to this caller and caches nothing: the next preflight tries D1 again.
        cached = { origins: await loadOrigins(), expiresAt: now + ALLOWED_ORIGINS_TTL_SECONDS * 1000 };
      }
      return cached.origins.has(origin);
    },
  };
}
