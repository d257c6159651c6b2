// RefreshTokenStore on D1: refresh tokens (RFC 6749 §6) stored hashed, rotated atomically, revoked by family
// (RFC 9700 §4.14.2).
import { and, eq, getTableColumns, gt, isNull, sql, type Column, type SQL } from 'drizzle-orm';
import type { Database } from './db';
import { refreshTokens } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { RefreshToken, RefreshTokenStore } from './types';

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export function createRefreshTokenStore(db: Database): RefreshTokenStore {
  const revokeWhere = async (condition: SQL | undefined, nowSeconds: number) => {
    await db
      .update(refreshTokens)
      .set({ revokedAt: nowSeconds })
      .where(and(condition, isNull(refreshTokens.revokedAt)));
  };
  return {
    async create(token) {
      await db.insert(refreshTokens).values(toRow(token));
    },
    async findByHash(tokenHash) {
      const row = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
      return row ? toRefreshToken(row) : null;
    },
    async rotate(tokenHash, successor, nowSeconds) {
      const usable = and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, nowSeconds),
        gt(refreshTokens.grantExpiresAt, nowSeconds),
      );
      // One transaction (db.batch), in which both statements see the same state: the successor is inserted only if
      // the token is still usable, then the token is marked rotated under the same condition. D1 runs batches one
      // at a time, so of concurrent uses exactly one finds the token usable.
      const [, rotated] = await db.batch([
        db
          .insert(refreshTokens)
          .select(
            sql`SELECT ${rowValues(toRow(successor))} WHERE EXISTS (SELECT 1 FROM ${refreshTokens} WHERE ${usable})`,
          ),
        db
          .update(refreshTokens)
          .set({ rotatedAt: nowSeconds })
          .where(usable)
          .returning({ tokenHash: refreshTokens.tokenHash }),
      ]);
      return rotated.length === 1;
    },
    async revokeGrant(grantId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.grantId, grantId), nowSeconds);
    },
    async revokeByClient(clientId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.clientId, clientId), nowSeconds);
    },
    async revokeByUser(userId, nowSeconds) {
      await revokeWhere(eq(refreshTokens.userId, userId), nowSeconds);
    },
    async revokeByUserAndClient(userId, clientId, nowSeconds) {
      await revokeWhere(and(eq(refreshTokens.userId, userId), eq(refreshTokens.clientId, clientId)), nowSeconds);
    },
  };
}

/** A row as SQL values in the table's column order, each encoded by its column (the JSON resources). */
function rowValues(row: RefreshTokenRow): SQL {
  const columns = Object.entries(getTableColumns(refreshTokens)) as Array<[keyof RefreshTokenRow, Column]>;
  return sql.join(
    columns.map(([key, column]) => sql.param(row[key], column)),
    sql`, `,
  );
}

function toRefreshToken(row: RefreshTokenRow): RefreshToken {
  const { scope, ...rest } = row;
  return { ...rest, scopes: splitScopeText(scope) };
}

function toRow(token: RefreshToken): RefreshTokenRow {
  const { scopes, claims = null, ...rest } = token;
  return { ...rest, claims, scope: joinScopeText(scopes) };
}
