// What an admin command is (scripts/admin.ts): a name, its usage line, and a function from arguments and the
// database's stores to a result printed for people or, with --json, for scripts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AuditEventType } from '../../src/oauth/audit';
import type { Database } from '../../src/storage/db';
import type { Stores } from '../../src/storage/stores';

/** The database's stores, and Drizzle for the work they do not cover (the purge). */
export interface DatabaseAccess {
  stores: Stores;
  db: Database;
}

export interface AdminContext {
  /** Opens the database on first use: commands parse their arguments first, so a usage error costs no connection. */
  database(): Promise<DatabaseAccess>;
  /** Standard input, read to its end (for --password-stdin). */
  readStdin(): Promise<string>;
}

export interface CommandResult {
  /** What people read. */
  lines: string[];
  /** What --json prints; snake_case members, like the HTTP API. */
  json: unknown;
}

export interface AdminCommand {
  /** `users create`, `purge`, ... */
  name: string;
  usage: string;
  summary: string;
  /** The audit event a successful run records (docs/admin.md): default `admin_action`; null for read-only commands. */
  auditType?: AuditEventType | null;
  run(argv: string[], context: AdminContext): Promise<CommandResult>;
}

/** A mistake in how the command was called: exit status 2, with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command was understood but could not be done (no such user, a refused setting): exit status 1. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly code = 'failed',
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with exactly the named positionals; its errors become usage errors. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
  positionalNames: readonly string[] = [],
) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.positionals.length !== positionalNames.length) {
    const expected =
      positionalNames.length === 0 ? 'no arguments' : positionalNames.map((name) => `<${name}>`).join(' ');
    throw new UsageError(
      `expected ${expected}, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.join(' ')}`,
    );
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Values of a list option, given repeated and/or separated by commas or spaces; `--flag ''` gives an empty list. */
export function listOption(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((value) => value.split(/[\s,]+/)).filter((item) => item !== '');
}

/** Rows as aligned columns under a header line. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Access tokens are self-contained JWTs: nothing can recall them, so every revocation says how long they live on. */
export const ACCESS_TOKEN_NOTE =
  'Access tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS, 15 minutes by default).';

export function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
