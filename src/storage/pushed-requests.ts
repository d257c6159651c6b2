// PushedAuthorizationRequestStore on D1 (RFC 9126): first use and consumption are each one conditional UPDATE.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from './db';
import { pushedAuthorizationRequests as pushed } from './schema';
import type { PushedAuthorizationRequestStore } from './types';

export function createPushedAuthorizationRequestStore(db: Database): PushedAuthorizationRequestStore {
  return {
    async create(request) {
      await db.insert(pushed).values(request);
    },
    async use(requestUriHash, clientId, nowSeconds, interactionEndsAt) {
      const row = await db
        .update(pushed)
        .set({
          firstUsedAt: sql`COALESCE(${pushed.firstUsedAt}, ${nowSeconds})`,
          expiresAt: sql`CASE WHEN ${pushed.firstUsedAt} IS NULL THEN ${interactionEndsAt} ELSE ${pushed.expiresAt} END`,
        })
        .where(
          and(
            eq(pushed.requestUriHash, requestUriHash),
            eq(pushed.clientId, clientId),
            isNull(pushed.consumedAt),
            gt(pushed.expiresAt, nowSeconds),
          ),
        )
        .returning()
        .get();
      return row ?? null;
    },
    async consume(requestUriHash, nowSeconds) {
      const row = await db
        .update(pushed)
        .set({ consumedAt: nowSeconds })
        .where(and(eq(pushed.requestUriHash, requestUriHash), isNull(pushed.consumedAt)))
        .returning({ hash: pushed.requestUriHash })
        .get();
      return row !== undefined;
    },
  };
}
