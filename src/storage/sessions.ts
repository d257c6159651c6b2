// SessionStore on D1: browser sessions. The cookie carries a random token; only its SHA-256 is stored, so a
// leaked database does not yield usable session cookies.
import { and, eq, gt } from 'drizzle-orm';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import type { Database } from './db';
import { settlementStatements } from './login-throttles';
import { sessions, users } from './schema';
import type { SessionStore } from './types';

export function createSessionStore(db: Database): SessionStore {
  return {
    async create({ userId, authTime, amr, nowSeconds, ttlSeconds, settlement }) {
      const token = generateOpaqueToken();
      const insert = db.insert(sessions).values({
        idHash: await hashOpaqueToken(token),
        userId,
        authTime,
        ...(amr === undefined ? {} : { amr: [...amr] }),
        createdAt: nowSeconds,
        expiresAt: nowSeconds + ttlSeconds,
      });
      // The sign-in's throttle settlement rides along: one round trip where there were two in sequence.
      await db.batch([insert, ...(settlement ? settlementStatements(db, settlement) : [])]);
      return { token, expiresAt: nowSeconds + ttlSeconds };
    },
    async findActive(token, nowSeconds) {
      // Looked up by the hash as primary key: the comparison is an index seek, not a byte-wise compare of secrets.
      const row = await db
        .select({ user: users, authTime: sessions.authTime, amr: sessions.amr, expiresAt: sessions.expiresAt })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.idHash, await hashOpaqueToken(token)), gt(sessions.expiresAt, nowSeconds)))
        .get();
      return row ?? null;
    },
    async delete(token) {
      const [deleted] = await db
        .delete(sessions)
        .where(eq(sessions.idHash, await hashOpaqueToken(token)))
        .returning({ userId: sessions.userId });
      return deleted?.userId ?? null;
    },
    async deleteByUser(userId) {
      await db.delete(sessions).where(eq(sessions.userId, userId));
    },
  };
}
