// ConsentStore on D1: the scopes a user granted a client, one row per user and client.
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from './db';
import { clients, consents } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { ConsentGrant, ConsentStore } from './types';

/** The statement that records a consent, replacing an earlier one; codes.ts batches it with a new code. */
export function upsertConsent(db: Database, { userId, clientId, scopes }: ConsentGrant, nowSeconds: number) {
  const scope = joinScopeText(scopes);
  return db
    .insert(consents)
    .values({ userId, clientId, scope, createdAt: nowSeconds, updatedAt: nowSeconds })
    .onConflictDoUpdate({ target: [consents.userId, consents.clientId], set: { scope, updatedAt: nowSeconds } });
}

export function createConsentStore(db: Database): ConsentStore {
  const byUserAndClient = (userId: string, clientId: string) =>
    and(eq(consents.userId, userId), eq(consents.clientId, clientId));
  return {
    async find(userId, clientId) {
      const row = await db.select().from(consents).where(byUserAndClient(userId, clientId)).get();
      if (!row) return null;
      const { scope, ...rest } = row;
      return { ...rest, scopes: splitScopeText(scope) };
    },
    async listByUser(userId) {
      const rows = await db
        .select({ consent: consents, clientName: clients.name })
        .from(consents)
        .innerJoin(clients, eq(clients.id, consents.clientId))
        .where(eq(consents.userId, userId))
        .orderBy(desc(consents.updatedAt), desc(consents.clientId));
      return rows.map(({ consent: { scope, ...rest }, clientName }) => ({
        ...rest,
        scopes: splitScopeText(scope),
        clientName,
      }));
    },
    async upsert(consent, nowSeconds) {
      await upsertConsent(db, consent, nowSeconds);
    },
    async delete(userId, clientId) {
      await db.delete(consents).where(byUserAndClient(userId, clientId));
    },
  };
}
