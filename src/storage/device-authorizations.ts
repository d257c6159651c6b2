// DeviceAuthorizationStore on D1 (RFC 8628): the user's decision is one conditional UPDATE and each poll of the
// client one D1 batch (record the poll, or redeem and store the first refresh token), so a code is approved once and
// redeemed once however requests race.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { runSpendingBatch } from './compiled-batch';
import {
  type BoundGrantRequest,
  boundGrantRequest,
  coversRequest,
  grantRequestPlaceholders,
  grantRequestShape,
  grantRequestValues,
  userIsActive,
  selectGrantUser,
} from './grant-conditions';
import { firstRefreshTokenValues, insertFirstRefreshToken } from './refresh-tokens';
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
    async findByUserCode(userCodeHash) {
      const row = await db
        .select()
        .from(deviceAuthorizations)
        .where(eq(deviceAuthorizations.userCodeHash, userCodeHash))
        .get();
      return row ? toDeviceAuthorization(row) : null;
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
    async poll(deviceCodeHash, poll, nowSeconds) {
      const request = boundGrantRequest(poll);
      const refresh = poll.refreshToken;
      // Everything the batch's SQL depends on; every value is bound.
      const shape = `poll:${grantRequestShape(request)}`;
      const build = () => pollStatements(db, grantRequestPlaceholders(request));
      const values = {
        ...grantRequestValues(poll),
        ...(refresh ? firstRefreshTokenValues(refresh) : {}),
        deviceCodeHash,
        clientId: poll.clientId,
        now: nowSeconds,
        slowDownStep: poll.slowDownStepSeconds,
        grantId: poll.grantId,
      };
      // Every statement sees the state the first one read (one batch is one transaction, and D1 runs batches one at a
      // time): the refresh token goes in before the authorization is spent, and exactly one poll spends it.
      const { found, user, spent, refreshTokenStored } = await runSpendingBatch(
        db,
        shape,
        build,
        values,
        refresh !== null,
      );
      const [authorization] = found;
      return {
        authorization: authorization ? toDeviceAuthorization(authorization) : null,
        redeemed: spent.length === 1,
        user: user[0] ?? null,
        refreshTokenStored,
      };
    },
  };
}

/** The statements of one poll, built once per shape (compiled-batch.ts) with every value a placeholder. */
function pollStatements(db: Database, request: BoundGrantRequest) {
  const bound = sql.placeholder;
  const table = deviceAuthorizations;
  const presented = eq(table.deviceCodeHash, bound('deviceCodeHash'));
  // The states in which this client's poll does something; any other is judged by the caller and writes nothing.
  const live = and(
    presented,
    eq(table.clientId, bound('clientId')),
    isNull(table.consumedAt),
    gt(table.expiresAt, bound('now')),
  );
  const approved = and(live, eq(table.status, 'approved'));
  const tooSoon = sql`${table.lastPolledAt} is not null and ${bound('now')} - ${table.lastPolledAt} < ${table.pollIntervalSeconds}`;
  return {
    found: db.select().from(table).where(presented).prepare(),
    user: selectGrantUser(db, table, table.userId, presented).prepare(),
    before: db
      .update(table)
      .set({
        lastPolledAt: sql`${bound('now')}`,
        pollIntervalSeconds: sql`${table.pollIntervalSeconds} + case when ${tooSoon} then ${bound('slowDownStep')} else 0 end`,
      })
      .where(and(live, eq(table.status, 'pending')))
      .prepare(),
    insertRefreshToken: insertFirstRefreshToken(
      db,
      table,
      { grantId: sql`${bound('grantId')}`, claims: null },
      and(approved, coversRequest(table.scope, table.resources, request), userIsActive(table.userId)),
    ).prepare(),
    spend: db
      .update(table)
      .set({ consumedAt: sql`${bound('now')}` })
      .where(approved)
      .returning({ hash: table.deviceCodeHash })
      .prepare(),
  };
}

function toDeviceAuthorization(row: DeviceAuthorizationRow): DeviceAuthorization {
  const { scope, ...rest } = row;
  return { ...rest, scopes: splitScopeText(scope) };
}
