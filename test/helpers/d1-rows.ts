// Every row of every table of the test D1, for tests that assert nothing was written (a refused request) or that no
// secret appears anywhere in storage.
import { env } from 'cloudflare:test';

export type RowSnapshot = Record<string, string[]>;

/**
 * What every attempt may write, refused or not: the counters (login throttling, rate limits) and the append-only
 * audit log. Left out of "nothing changed".
 */
export const BOOKKEEPING_TABLES = ['login_throttles', 'rate_limits', 'audit_events'];

/** The application's tables (not SQLite's, D1's or the migrations' bookkeeping). */
export async function tableNames(db: D1Database = env.DB): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
    )
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

/** Each table's rows as JSON strings, sorted, so two snapshots compare with toEqual. */
export async function snapshotRows(db: D1Database = env.DB, except: readonly string[] = []): Promise<RowSnapshot> {
  const snapshot: RowSnapshot = {};
  for (const table of await tableNames(db)) {
    if (except.includes(table)) continue;
    const { results } = await db.prepare(`SELECT * FROM "${table}"`).all();
    snapshot[table] = results.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}
