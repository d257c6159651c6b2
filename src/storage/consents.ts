// ConsentStore on D1: the scopes a user granted a client, one row per user and client.
import { and, eq } from 'drizzle-orm';
import type { Database } from './db';
import { consents } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { ConsentStore } from './types';

export function createConsentStore(db: Database): ConsentStore {
  const byUserAndClient = (userId: string, clientId: string) => and(eq(consents.userId, userId), eq(consents.clientId, clientId));
  return {
    async find(userId, clientId) {
      const row = await db.select().from(consents).where(byUserAndClient(userId, clientId)).get();
      if (!row) return null;
      const { scope, ...rest } = row;
      return { ...rest, scopes: splitScopeText(scope) };
    },
    async upsert({ userId, clientId, scopes }, nowSeconds) {
      const scope = joinScopeText(scopes);
      await db
        .insert(consents)
        .values({ userId, clientId, scope, createdAt: nowSeconds, updatedAt: nowSeconds })
        .onConflictDoUpdate({ target: [consents.userId, consents.clientId], set: { scope, updatedAt: nowSeconds } });
    },
    async delete(userId, clientId) {
      await db.delete(consents).where(byUserAndClient(userId, clientId));
    },
  };
}
