// OutboxStore on D1: the messages the development mailer keeps instead of sending (accounts/outbox-mailer.ts).
import { desc } from 'drizzle-orm';
import type { Database } from './db';
import { outboxMessages } from './schema';
import type { OutboxStore } from './types';

export function createOutboxStore(db: Database): OutboxStore {
  return {
    async record(message) {
      await db.insert(outboxMessages).values(message);
    },
    async listRecent(limit) {
      return db.select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
    },
  };
}
