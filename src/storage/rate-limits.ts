// RateLimitStore on D1: fixed-window counters, one row per key, counted with one atomic upsert so concurrent
// requests in any isolate or location never lose a hit.
import { sql } from 'drizzle-orm';
import type { Database } from './db';
import { rateLimits } from './schema';
import type { RateLimitStore } from './types';

export function createRateLimitStore(db: Database): RateLimitStore {
  return {
    async hit(key, windowSeconds, now) {
      // SET expressions all read the row as it was, so both see the same expired-or-not answer.
      const expired = sql`${rateLimits.windowStartedAt} <= ${now - windowSeconds}`;
      const row = await db
        .insert(rateLimits)
        .values({ key, windowStartedAt: now, count: 1 })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`CASE WHEN ${expired} THEN 1 ELSE ${rateLimits.count} + 1 END`,
            windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${rateLimits.windowStartedAt} END`,
          },
        })
        .returning({ count: rateLimits.count, windowStartedAt: rateLimits.windowStartedAt })
        .get();
      return row;
    },
  };
}
