// AuditEventStore on D1: security-relevant events (oauth/audit.ts), appended and read newest first.
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from './db';
import { PURGE_MAX_SLICES, PURGE_SLICE_ROWS } from './purge';
import { auditEvents } from './schema';
import type { AuditEventStore } from './types';

export function createAuditEventStore(db: Database): AuditEventStore {
  return {
    async record(events) {
      if (events.length > 0) await db.insert(auditEvents).values(events);
    },
    async list({ type, outcome, userId, clientId, since, limit }) {
      const conditions: Array<SQL | undefined> = [
        type === undefined ? undefined : eq(auditEvents.type, type),
        outcome === undefined ? undefined : eq(auditEvents.outcome, outcome),
        userId === undefined ? undefined : eq(auditEvents.userId, userId),
        clientId === undefined ? undefined : eq(auditEvents.clientId, clientId),
        since === undefined ? undefined : gte(auditEvents.at, since),
      ];
      return db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(desc(auditEvents.at), desc(auditEvents.id))
        .limit(limit)
        .all();
    },
    async purgeBefore(before) {
      // In slices, like the other purges, so a large backlog never runs into D1's statement limits.
      let deleted = 0;
      for (let slice = 0; slice < PURGE_MAX_SLICES; slice++) {
        const result = await db
          .delete(auditEvents)
          .where(
            inArray(
              sql`rowid`,
              db
                .select({ rowid: sql`rowid` })
                .from(auditEvents)
                .where(lt(auditEvents.at, before))
                .limit(PURGE_SLICE_ROWS),
            ),
          );
        deleted += result.meta.changes;
        if (result.meta.changes < PURGE_SLICE_ROWS) break;
      }
      return deleted;
    },
  };
}
