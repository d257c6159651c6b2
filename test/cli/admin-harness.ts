// The admin command line's test harness, in Node as the CLI runs: a temporary local D1 (a --persist-to directory
// migrated with `wrangler d1 migrations apply`), commands run through runAdmin in-process or as the real script, and
// the database opened the CLI's way to check what the commands stored.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runAdmin } from '../../scripts/admin';
import { openDatabase } from '../../scripts/admin/database';
import { PROJECT_ROOT, runTool, toolEnvironment } from '../../scripts/lib/process';
import { databaseFor, type Database } from '../../src/storage/db';
import { storesFor, type Stores } from '../../src/storage/stores';

export interface AdminRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** A migrated local D1 for this test file, removed afterwards. */
export function useTemporaryDatabase(): { readonly persistTo: string } {
  const state = { persistTo: '' };
  beforeAll(async () => {
    state.persistTo = mkdtempSync(join(tmpdir(), 'portcullis-admin-test-'));
    await runTool(
      'wrangler',
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state.persistTo],
      { CI: 'true' },
      ['ignore', 'ignore', 'inherit'],
    );
  });
  afterAll(() => rmSync(state.persistTo, { recursive: true, force: true }));
  return state;
}

/** Runs `npm run admin -- --persist-to <dir> …args` in-process, with `stdin` as standard input. */
export async function admin(persistTo: string, args: string[], stdin = ''): Promise<AdminRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await runAdmin(['--persist-to', persistTo, ...args], {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    readStdin: async () => stdin,
  });
  return { status, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** Runs a command with --json and returns its parsed answer, failing the test unless it succeeded. */
export async function adminJson<T = Record<string, unknown>>(
  persistTo: string,
  args: string[],
  stdin = '',
): Promise<T> {
  const run = await admin(persistTo, [...args, '--json'], stdin);
  expect(run, run.stderr).toMatchObject({ status: 0, stderr: '' });
  return JSON.parse(run.stdout) as T;
}

/** Runs scripts/admin.ts as its own process (tsx), as `npm run admin` does. */
export function adminProcess(args: string[], stdin = ''): Promise<AdminRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/admin.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: toolEnvironment(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Opens the test database as the CLI does, for the duration of `use`. */
export async function withDatabase<T>(
  persistTo: string,
  use: (stores: Stores, db: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ kind: 'local', persistTo });
  try {
    return await use(storesFor(database.binding), databaseFor(database.binding));
  } finally {
    await database.close();
  }
}

export const randomName = (prefix: string) => `${prefix}${crypto.randomUUID().slice(0, 8)}`;
