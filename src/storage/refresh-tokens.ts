// RefreshTokenStore on D1: refresh tokens (RFC 6749 §6) stored hashed, rotated atomically in one D1 round trip,
// revoked by family on reuse after the reuse interval (RFC 9700 §4.14.2).
import {
  and,
  eq,
  exists,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  not,
  or,
  sql,
  type Column,
  type SQL,
} from 'drizzle-orm';
import { alias, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { runCompiledBatch } from './compiled-batch';
import {
  type BoundGrantRequest,
  boundGrantRequest,
  boundKeyAllows,
  coversRequest,
  grantRequestPlaceholders,
  grantRequestShape,
  grantRequestValues,
  scopeIncludes,
  userIsActive,
  selectGrantUser,
} from './grant-conditions';
import type { Database } from './db';
import { refreshTokens } from './schema';
import { joinScopeText, splitScopeText } from './scope-text';
import type { FirstRefreshToken, RefreshToken, RefreshTokenStore } from './types';

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
    async rotate(tokenHash, rotation, nowSeconds) {
      const request = boundGrantRequest(rotation);
      const reuses = rotation.reuseIntervalSeconds > 0;
      // Everything the batch's SQL depends on; every value is bound.
      const shape = `rotate:${grantRequestShape(request)}:${reuses}`;
      const [[token], [user], , , rotated] = await runCompiledBatch(
        db,
        shape,
        () => rotationStatements(db, grantRequestPlaceholders(request), reuses),
        {
          ...grantRequestValues(rotation),
          tokenHash,
          clientId: rotation.clientId,
          now: nowSeconds,
          reusableSince: nowSeconds - rotation.reuseIntervalSeconds,
          successorHash: rotation.successorHash,
          successorExpiresAt: nowSeconds + rotation.idleTtlSeconds,
        },
      );
      return { rotated: rotated.length === 1, token: token ? toRefreshToken(token) : null, user: user ?? null };
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

/**
 * The rotation batch, built once per shape (compiled-batch.ts) with every value a placeholder. One batch is one
 * transaction, and D1 runs batches one at a time: every statement sees the state the first one read, so of
 * concurrent uses exactly one finds the token spendable, and a reuse is judged on that state.
 */
function rotationStatements(db: Database, request: BoundGrantRequest, reuses: boolean) {
  const bound = sql.placeholder;
  const presented = eq(refreshTokens.tokenHash, bound('tokenHash'));
  // Rotated less than the reuse interval ago; never with an interval of 0.
  const reusable = (rotatedAt: Column) => (reuses ? gt(rotatedAt, bound('reusableSince')) : sql`0`);
  const spendable = and(
    presented,
    eq(refreshTokens.clientId, bound('clientId')),
    // Unrotated, or rotated moments ago (a second tab, a retried request): then a sibling joins the family.
    or(isNull(refreshTokens.rotatedAt), reusable(refreshTokens.rotatedAt)),
    isNull(refreshTokens.revokedAt),
    gt(refreshTokens.expiresAt, bound('now')),
    gt(refreshTokens.grantExpiresAt, bound('now')),
    coversRequest(refreshTokens.scope, refreshTokens.resources, request),
    boundKeyAllows(refreshTokens.dpopJkt, request),
    userIsActive(refreshTokens.userId),
  );
  const earlier = alias(refreshTokens, 'earlier');
  const successor = alias(refreshTokens, 'successor');
  return [
    db.select().from(refreshTokens).where(presented).prepare(),
    selectGrantUser(db, refreshTokens, refreshTokens.userId, presented).prepare(),
    // Presented again after its rotation and the reuse interval: theft, so the whole family goes, and only it
    // (before this batch rotates anything). Within the interval a mismatch is refused below, revoking nothing.
    db
      .update(refreshTokens)
      .set({ revokedAt: sql`${bound('now')}` })
      .where(
        and(
          inArray(
            refreshTokens.grantId,
            db
              .select({ grantId: earlier.grantId })
              .from(earlier)
              .where(
                and(
                  eq(earlier.tokenHash, bound('tokenHash')),
                  eq(earlier.clientId, bound('clientId')),
                  isNotNull(earlier.rotatedAt),
                  not(reusable(earlier.rotatedAt)),
                ),
              ),
          ),
          isNull(refreshTokens.revokedAt),
        ),
      )
      .prepare(),
    db
      .insert(refreshTokens)
      .select(
        sql`select ${refreshTokenRowFrom(refreshTokens, {
          tokenHash: sql`${bound('successorHash')}`,
          createdAt: sql`${bound('now')}`,
          expiresAt: sql`min(${bound('successorExpiresAt')}, ${refreshTokens.grantExpiresAt})`,
          rotatedAt: null,
          revokedAt: null,
        })} from ${refreshTokens} where ${spendable}`,
      )
      .prepare(),
    // Marked rotated where the successor went in: the same judgement as `spendable`, made once (its SQL is the
    // costliest part of the batch to run). A reuse keeps the first rotation time, so the interval never slides.
    db
      .update(refreshTokens)
      .set({ rotatedAt: sql`coalesce(${refreshTokens.rotatedAt}, ${bound('now')})` })
      .where(
        and(
          presented,
          exists(
            db
              .select({ found: sql`1` })
              .from(successor)
              .where(eq(successor.tokenHash, bound('successorHash'))),
          ),
        ),
      )
      .returning({ tokenHash: refreshTokens.tokenHash })
      .prepare(),
  ] as const;
}

/**
 * A new refresh_tokens row as an SQL select list in the table's column order: the given values, and every other column
 * copied from the same-named column of `source` (the token being rotated, or the code being redeemed), so a column
 * added to the table is carried over, or fails here, and is never silently shifted.
 */
export function refreshTokenRowFrom(
  source: SQLiteTable,
  values: Partial<Record<keyof RefreshTokenRow, SQL | string | number | null>>,
): SQL {
  const sourceColumns: Record<string, Column> = getTableColumns(source);
  return sql.join(
    Object.keys(getTableColumns(refreshTokens)).map((key) => {
      if (Object.hasOwn(values, key)) return sql`${values[key as keyof RefreshTokenRow]}`;
      const column = sourceColumns[key];
      if (!column) throw new Error(`refresh_tokens.${key} has no value and no column to copy from`);
      return sql`${column}`;
    }),
    sql`, `,
  );
}

/**
 * The first refresh token of a new family, in the batch that spends its grant (`source`: the code or the device
 * authorization), as one INSERT … SELECT from the grant's row: only where `condition` holds and the grant's scope
 * earns one (the scope rule). Its values are placeholders (now, and those `firstRefreshTokenValues` binds); columns
 * not in `values` are copied from the grant's row.
 */
export function insertFirstRefreshToken(
  db: Database,
  source: SQLiteTable & { scope: Column },
  values: Partial<Record<keyof RefreshTokenRow, SQL | null>>,
  condition: SQL | undefined,
) {
  const bound = sql.placeholder;
  const due = or(
    scopeIncludes(source.scope, bound('refreshGrantedBy')),
    not(scopeIncludes(source.scope, bound('refreshWithheldBy'))),
  );
  return db
    .insert(refreshTokens)
    .select(
      sql`select ${refreshTokenRowFrom(source, {
        ...values,
        tokenHash: sql`${bound('refreshTokenHash')}`,
        createdAt: sql`${bound('now')}`,
        expiresAt: sql`${bound('refreshExpiresAt')}`,
        grantExpiresAt: sql`${bound('refreshGrantExpiresAt')}`,
        rotatedAt: null,
        revokedAt: null,
        // Not the grant's own dpop_jkt: the refresh token is bound to the proof's key only for public clients (§5.0).
        dpopJkt: sql`${bound('refreshDpopJkt')}`,
      })} from ${source} where ${and(condition, due)}`,
    )
    .returning({ tokenHash: refreshTokens.tokenHash });
}

/** The values of `insertFirstRefreshToken`'s placeholders. */
export function firstRefreshTokenValues(refresh: FirstRefreshToken): Record<string, unknown> {
  return {
    refreshTokenHash: refresh.tokenHash,
    refreshExpiresAt: refresh.expiresAt,
    refreshGrantExpiresAt: refresh.grantExpiresAt,
    refreshDpopJkt: refresh.dpopJkt ?? null,
    refreshGrantedBy: refresh.scopeRule.grantedBy,
    refreshWithheldBy: refresh.scopeRule.withheldBy,
  };
}

function toRefreshToken(row: RefreshTokenRow): RefreshToken {
  const { scope, ...rest } = row;
  return { ...rest, scopes: splitScopeText(scope) };
}

function toRow(token: RefreshToken): RefreshTokenRow {
  const { scopes, claims = null, dpopJkt = null, amr = null, ...rest } = token;
  return { ...rest, claims, dpopJkt, amr, scope: joinScopeText(scopes) };
}
