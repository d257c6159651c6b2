// Applies migrations/*.sql in order, statement by statement, as `wrangler d1 migrations apply` would: for the local D1
// of a Worker run through Miniflare's API (the bench, the two-Worker tests), where wrangler's command does not reach.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './process';

const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

export async function applyMigrations(db: D1Database): Promise<void> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  for (const file of files) {
    const statements = readFileSync(join(MIGRATIONS_DIR, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '');
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}
