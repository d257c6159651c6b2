// TwoFactorStore on D1: a user's TOTP secret (sealed; accounts/two-factor.ts seals and opens it) with the last time
// step accepted, and their recovery codes as SHA-256 hashes. Claiming a step and spending a code are one atomic
// statement each, so two requests racing with the same code cannot both succeed.
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from './db';
import { recoveryCodes, totpCredentials } from './schema';
import type { TwoFactorStore } from './types';

export function createTwoFactorStore(db: Database): TwoFactorStore {
  const codeRows = (userId: string, codeHashes: string[], nowSeconds: number) =>
    codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: nowSeconds }));
  const replaceCodes = async (userId: string, codeHashes: string[], nowSeconds: number) => {
    await db.batch([
      db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
      db.insert(recoveryCodes).values(codeRows(userId, codeHashes, nowSeconds)),
    ]);
  };
  return {
    async find(userId) {
      return (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).get()) ?? null;
    },
    async startEnrolment(userId, secretCiphertext, nowSeconds) {
      const written = await db
        .insert(totpCredentials)
        .values({ userId, secretCiphertext, confirmedAt: null, lastUsedStep: null, createdAt: nowSeconds })
        .onConflictDoUpdate({
          target: totpCredentials.userId,
          set: { secretCiphertext, lastUsedStep: null, createdAt: nowSeconds },
          setWhere: isNull(totpCredentials.confirmedAt),
        })
        .returning({ userId: totpCredentials.userId });
      return written.length > 0;
    },
    async confirm(userId, step, recoveryCodeHashes, nowSeconds) {
      const confirmed = await db
        .update(totpCredentials)
        .set({ confirmedAt: nowSeconds, lastUsedStep: step })
        .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.confirmedAt)))
        .returning({ userId: totpCredentials.userId });
      if (confirmed.length === 0) return false;
      await replaceCodes(userId, recoveryCodeHashes, nowSeconds);
      return true;
    },
    async useStep(userId, step) {
      const used = await db
        .update(totpCredentials)
        .set({ lastUsedStep: step })
        .where(
          and(
            eq(totpCredentials.userId, userId),
            or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
          ),
        )
        .returning({ userId: totpCredentials.userId });
      return used.length > 0;
    },
    async remove(userId) {
      await db.batch([
        db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
        db.delete(totpCredentials).where(eq(totpCredentials.userId, userId)),
      ]);
    },
    replaceRecoveryCodes: replaceCodes,
    async useRecoveryCode(userId, codeHash) {
      const spent = await db
        .delete(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash)))
        .returning({ userId: recoveryCodes.userId });
      return spent.length > 0;
    },
    async countRecoveryCodes(userId) {
      const row = await db.select({ total: count() }).from(recoveryCodes).where(eq(recoveryCodes.userId, userId)).get();
      return row?.total ?? 0;
    },
  };
}
