// D1 batches whose SQL drizzle builds once per isolate and request shape, then binds per call. Turning the query
// builders of a refresh rotation into SQL text cost more Worker CPU than anything but the D1 call itself in workerd's
// profile (docs/performance.md); that text depends only on the shape of the request (how many scopes and resources,
// which options), never on its values, which the builders leave as placeholders (`sql.placeholder`).
import { fillPlaceholders } from 'drizzle-orm';
import type { Database } from './db';

/** What drizzle's `prepare()` gives for a query builder: its SQL and parameters, and how to read its D1 result. */
interface PreparedStatement<Result> {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(response: unknown, isFromBatch?: boolean): unknown;
  execute(): Promise<Result>;
}

type Results<Statements extends readonly PreparedStatement<unknown>[]> = {
  -readonly [Index in keyof Statements]: Awaited<ReturnType<Statements[Index]['execute']>>;
};

/** Finished values only (SQL text and parameter lists), never a pending promise: safe to share between requests. */
const compiledBatches = new WeakMap<Database, Map<string, readonly PreparedStatement<unknown>[]>>();

/**
 * Runs the batch `build` makes for this `shape` (a key naming the batch and everything its SQL depends on), built on
 * the first call in this isolate and bound to `values` (one per placeholder name) on every call: one D1 round trip,
 * one transaction, as `db.batch`.
 */
export async function runCompiledBatch<const Statements extends readonly PreparedStatement<unknown>[]>(
  db: Database,
  shape: string,
  build: () => Statements,
  values: Record<string, unknown>,
): Promise<Results<Statements>> {
  let byShape = compiledBatches.get(db);
  if (!byShape) {
    byShape = new Map();
    compiledBatches.set(db, byShape);
  }
  let statements = byShape.get(shape) as Statements | undefined;
  if (!statements) {
    statements = build();
    byShape.set(shape, statements);
  }
  const client = db.$client;
  const bound = statements.map((statement) => {
    const { sql, params } = statement.getQuery();
    return client.prepare(sql).bind(...fillPlaceholders(params, values));
  });
  const results = await client.batch(bound);
  return statements.map((statement, index) => statement.mapResult(results[index], true)) as Results<Statements>;
}

/** The statements of a batch that spends a grant (a code, a device authorization), in their order in the batch. */
export interface SpendingStatements<
  Found extends PreparedStatement<unknown>,
  Decider extends PreparedStatement<unknown>,
  Spend extends PreparedStatement<unknown>,
> {
  /** The grant's row as it stood before the batch. */
  found: Found;
  /** Its user. */
  user: Decider;
  /** What the batch writes before the refresh token (a replay's revocation, a pending poll). */
  before: PreparedStatement<unknown>;
  /** The grant's first refresh token, where every check passes (refresh-tokens.ts `insertFirstRefreshToken`). */
  insertRefreshToken: PreparedStatement<unknown[]>;
  spend: Spend;
}

/**
 * Runs a grant-spending batch compiled once per shape: with the first refresh token's insert when one is due, without
 * it when none can be. Returns the grant's rows, its user's, the spend's result, and whether the refresh token went in.
 */
export async function runSpendingBatch<
  Found extends PreparedStatement<unknown>,
  Decider extends PreparedStatement<unknown>,
  Spend extends PreparedStatement<unknown>,
>(
  db: Database,
  shape: string,
  build: () => SpendingStatements<Found, Decider, Spend>,
  values: Record<string, unknown>,
  withRefreshToken: boolean,
) {
  if (withRefreshToken) {
    const [found, user, , inserted, spent] = await runCompiledBatch(
      db,
      `${shape}:refresh`,
      () => {
        const statements = build();
        return [statements.found, statements.user, statements.before, statements.insertRefreshToken, statements.spend];
      },
      values,
    );
    return { found, user, spent, refreshTokenStored: inserted.length === 1 };
  }
  const [found, user, , spent] = await runCompiledBatch(
    db,
    shape,
    () => {
      const statements = build();
      return [statements.found, statements.user, statements.before, statements.spend];
    },
    values,
  );
  return { found, user, spent, refreshTokenStored: false };
}
