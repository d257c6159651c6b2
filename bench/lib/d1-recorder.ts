// Seeding thousands of single-use credentials one store call at a time would cost round trips to workerd for
// each (about 100 a second through Miniflare's D1 proxy, even batched). Instead the project's own store writes
// into this recorder, which keeps the statements it would run, and they reach D1 as a few `exec` scripts: the
// rows are exactly the store's, the round trips few.
interface RecordedStatement {
  sql: string;
  params: unknown[];
}

/** Statements per `exec` script. */
const SCRIPT_STATEMENTS = 2000;

/** A stand-in for D1Database that supports what a store's plain INSERT uses: prepare, bind, run. */
export function recordingDatabase(): { db: D1Database; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const prepare = (sql: string) => ({
    bind: (...params: unknown[]) => ({
      run: async () => {
        statements.push({ sql, params });
        return { success: true, results: [], meta: {} };
      },
    }),
  });
  return { db: { prepare } as unknown as D1Database, statements };
}

export async function replayStatements(db: D1Database, statements: readonly RecordedStatement[]): Promise<void> {
  for (let start = 0; start < statements.length; start += SCRIPT_STATEMENTS) {
    await db.exec(sqlScript(statements.slice(start, start + SCRIPT_STATEMENTS)));
  }
}

/** The statements as an SQL script, one per line (for `db.exec` or `wrangler d1 execute --file`). */
export function sqlScript(statements: readonly RecordedStatement[]): string {
  return statements.map(inlineParameters).join('\n');
}

/** One statement on one line with its `?` placeholders replaced by SQL literals (the bench's own values only). */
function inlineParameters({ sql, params }: RecordedStatement): string {
  let index = 0;
  const statement = sql.replace(/\?/g, () => sqlLiteral(params[index++]));
  if (index !== params.length || statement.includes('\n')) throw new Error(`cannot inline: ${sql}`);
  return `${statement};`;
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no SQL literal for ${typeof value}`);
}
