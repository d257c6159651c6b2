// PendingSignInStore on D1: sign-ins waiting for their second factor. The browser's cookie carries a random token;
// only its SHA-256 is stored, and completing the sign-in deletes the row in one statement, so it works once.
import { and, eq, gt } from 'drizzle-orm';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import type { Database } from './db';
import { pendingSignIns } from './schema';
import type { PendingSignInStore } from './types';

export function createPendingSignInStore(db: Database): PendingSignInStore {
  const live = async (token: string, nowSeconds: number) =>
    and(eq(pendingSignIns.idHash, await hashOpaqueToken(token)), gt(pendingSignIns.expiresAt, nowSeconds));
  const fields = {
    userId: pendingSignIns.userId,
    returnTo: pendingSignIns.returnTo,
    expiresAt: pendingSignIns.expiresAt,
  };
  return {
    async create({ userId, returnTo, nowSeconds, ttlSeconds }) {
      const token = generateOpaqueToken();
      await db.insert(pendingSignIns).values({
        idHash: await hashOpaqueToken(token),
        userId,
        returnTo,
        createdAt: nowSeconds,
        expiresAt: nowSeconds + ttlSeconds,
      });
      return token;
    },
    async find(token, nowSeconds) {
      return (
        (await db
          .select(fields)
          .from(pendingSignIns)
          .where(await live(token, nowSeconds))
          .get()) ?? null
      );
    },
    async consume(token, nowSeconds) {
      const [consumed] = await db
        .delete(pendingSignIns)
        .where(await live(token, nowSeconds))
        .returning(fields);
      return consumed ?? null;
    },
  };
}
