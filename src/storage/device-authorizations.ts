// DeviceAuthorizationStore on D1 (RFC 8628): the user's decision and the client's redemption are each one
// conditional UPDATE, so a code is approved once and redeemed once however requests race.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from './db';
import { deviceAuthorizations } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { DeviceAuthorization, DeviceAuthorizationStore } from './types';

type DeviceAuthorizationRow = typeof deviceAuthorizations.$inferSelect;

export function createDeviceAuthorizationStore(db: Database): DeviceAuthorizationStore {
  return {
    async create(authorization) {
      const { scopes, ...rest } = authorization;
      await db.insert(deviceAuthorizations).values({ ...rest, scope: joinScopeText(scopes) });
    },
    async findByDeviceCode(deviceCodeHash) {
      const row = await db
        .select()
        .from(deviceAuthorizations)
        .where(eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash))
        .get();
      return row ? toDeviceAuthorization(row) : null;
    },
    async findByUserCode(userCodeHash) {
      const row = await db
        .select()
        .from(deviceAuthorizations)
        .where(eq(deviceAuthorizations.userCodeHash, userCodeHash))
        .get();
      return row ? toDeviceAuthorization(row) : null;
    },
    async recordPoll(deviceCodeHash, nowSeconds, pollIntervalSeconds) {
      await db
        .update(deviceAuthorizations)
        .set({ lastPolledAt: nowSeconds, pollIntervalSeconds })
        .where(eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash));
    },
    async decide(userCodeHash, decision, nowSeconds) {
      const decided = await db
        .update(deviceAuthorizations)
        .set({
          status: decision.status,
          userId: decision.userId,
          authTime: decision.status === 'approved' ? decision.authTime : null,
          amr: decision.status === 'approved' ? [...decision.amr] : null,
        })
        .where(
          and(
            eq(deviceAuthorizations.userCodeHash, userCodeHash),
            eq(deviceAuthorizations.status, 'pending'),
            gt(deviceAuthorizations.expiresAt, nowSeconds),
          ),
        )
        .returning({ hash: deviceAuthorizations.deviceCodeHash })
        .get();
      return decided !== undefined;
    },
    async consume(deviceCodeHash, nowSeconds) {
      const consumed = await db
        .update(deviceAuthorizations)
        .set({ consumedAt: nowSeconds })
        .where(
          and(
            eq(deviceAuthorizations.deviceCodeHash, deviceCodeHash),
            eq(deviceAuthorizations.status, 'approved'),
            isNull(deviceAuthorizations.consumedAt),
          ),
        )
        .returning()
        .get();
      return consumed ? toDeviceAuthorization(consumed) : null;
    },
  };
}

function toDeviceAuthorization(row: DeviceAuthorizationRow): DeviceAuthorization {
  const { scope, ...rest } = row;
  return { ...rest, scopes: splitScopeText(scope) };
}
