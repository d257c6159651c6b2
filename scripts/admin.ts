// `npm run admin -- <command>` (issue 4; reference: docs/admin.md): users, clients, tokens, keys and the purge, on
// the local D1 by default, another local state with `--persist-to <dir>` or the deployed one with `--remote`; `--json` answers
// scripts. Commands reuse the Worker's code (src/oauth, src/storage, src/tokens); exit statuses are the EXIT_* below.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAuditEvent } from '../src/oauth/audit';
import { OAuthError } from '../src/oauth/errors';
import { databaseFor } from '../src/storage/db';
import { storesFor, type Stores } from '../src/storage/stores';
import { epochSeconds } from '../src/tokens/access-token';
import { CLIENT_COMMANDS } from './admin/clients';
import { CommandError, UsageError, type AdminCommand, type CommandResult, type DatabaseAccess } from './admin/command';
import { openDatabase, type DatabaseTarget, type OpenDatabase } from './admin/database';
import { EVENT_COMMANDS } from './admin/events';
import { KEY_COMMANDS } from './admin/keys';
import { PURGE_COMMANDS } from './admin/purge';
import { TOKEN_COMMANDS } from './admin/tokens';
import { USER_COMMANDS } from './admin/users';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  ...USER_COMMANDS,
  ...CLIENT_COMMANDS,
  ...TOKEN_COMMANDS,
  ...KEY_COMMANDS,
  ...EVENT_COMMANDS,
  ...PURGE_COMMANDS,
];

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface AdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

interface GlobalOptions {
  target: DatabaseTarget;
  json: boolean;
  help: boolean;
  rest: string[];
}

/** Runs one admin command line; returns the exit status. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  let options: GlobalOptions;
  try {
    options = parseGlobalOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return report(io, false, error, undefined);
  }
  const found = findCommand(options.rest);
  if (!found) {
    if (options.help || options.rest.length === 0) {
      io.stdout(helpText());
      return options.help ? EXIT_OK : EXIT_USAGE;
    }
    return report(io, options.json, new UsageError(`unknown command: ${options.rest.join(' ')}`), undefined);
  }
  const { command, args } = found;
  if (options.help) {
    io.stdout(`usage: npm run admin -- ${command.usage}\n${command.summary}`);
    return EXIT_OK;
  }
  // The database is opened once, on the command's first use, and always closed.
  let opened: Promise<OpenDatabase> | undefined;
  const database = async (): Promise<DatabaseAccess> => {
    opened ??= openDatabase(options.target);
    const { binding } = await opened;
    return { stores: storesFor(binding), db: databaseFor(binding) };
  };
  try {
    const result = await command.run(args, { database, readStdin: io.readStdin });
    if (command.auditType !== null) await recordAdminEvent((await database()).stores, command, args, result, io);
    io.stdout(options.json ? JSON.stringify(result.json, null, 2) : result.lines.join('\n'));
    return EXIT_OK;
  } catch (error) {
    return report(io, options.json, error, command);
  } finally {
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}

/**
 * Every change made from the CLI is an audit event (docs/admin.md): its own type for clients and keys,
 * `admin_action` for the rest, with the command and its arguments (passwords only ever come from stdin).
 * A failed write is reported on stderr; the command's work stands.
 */
async function recordAdminEvent(
  stores: Stores,
  command: AdminCommand,
  args: string[],
  result: CommandResult,
  io: AdminIo,
): Promise<void> {
  const answer = (typeof result.json === 'object' && result.json !== null ? result.json : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const event = buildAuditEvent(
    {
      type: command.auditType ?? 'admin_action',
      userId: text(answer.user_id) ?? (command.name.startsWith('users ') ? text(answer.id) : undefined),
      clientId: text(answer.client_id),
      details: {
        via: 'admin_cli',
        command: command.name,
        arguments: args,
        ...(text(answer.kid) ? { kid: text(answer.kid)! } : {}),
      },
    },
    { clientAddress: undefined, userAgent: 'portcullis-admin' },
    epochSeconds(),
  );
  try {
    await stores.auditEvents.record([event]);
  } catch (error) {
    io.stderr(
      `admin: warning: the audit event was not recorded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** --remote, --persist-to, --json and --help may stand anywhere; the rest is the command and its arguments. */
function parseGlobalOptions(argv: string[]): GlobalOptions {
  const rest: string[] = [];
  let remote = false;
  let persistTo: string | undefined;
  let json = false;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--remote') remote = true;
    else if (argument === '--json') json = true;
    else if (argument === '--help' || argument === '-h') help = true;
    else if (argument === '--persist-to') persistTo = requireValue('--persist-to', argv[++index]);
    else if (argument.startsWith('--persist-to='))
      persistTo = requireValue('--persist-to', argument.slice('--persist-to='.length));
    else rest.push(argument);
  }
  if (remote && persistTo !== undefined) throw new UsageError('--remote and --persist-to exclude each other');
  return { target: remote ? { kind: 'remote' } : { kind: 'local', persistTo }, json, help, rest };
}

function requireValue(option: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${option} needs a directory`);
  return value;
}

/** The longest command name the arguments start with (`users create`, `purge`). */
function findCommand(words: string[]): { command: AdminCommand; args: string[] } | undefined {
  for (const length of [2, 1]) {
    const command = ADMIN_COMMANDS.find((candidate) => candidate.name === words.slice(0, length).join(' '));
    if (command) return { command, args: words.slice(length) };
  }
  return undefined;
}

function helpText(): string {
  return [
    'usage: npm run admin -- <command> [options] [--json] [--remote | --persist-to <dir>]',
    '',
    'Works on the local D1 of `wrangler dev` unless --remote (the deployed D1; needs `wrangler login`).',
    '',
    'commands:',
    ...ADMIN_COMMANDS.flatMap((command) => [`  ${command.usage}`, `      ${command.summary}`]),
  ].join('\n');
}

function report(io: AdminIo, json: boolean, error: unknown, command: AdminCommand | undefined): number {
  const { code, message, status } = describeError(error);
  if (json) io.stderr(JSON.stringify({ error: code, error_description: message }));
  else {
    io.stderr(`admin: ${message}`);
    if (status === EXIT_USAGE)
      io.stderr(
        command ? `usage: npm run admin -- ${command.usage}` : 'run `npm run admin -- --help` for the commands',
      );
  }
  return status;
}

function describeError(error: unknown): { code: string; message: string; status: number } {
  if (error instanceof UsageError) return { code: 'usage', message: error.message, status: EXIT_USAGE };
  if (error instanceof CommandError) return { code: error.code, message: error.message, status: EXIT_FAILED };
  if (error instanceof OAuthError) return { code: error.code, message: error.description, status: EXIT_FAILED };
  const message = error instanceof Error ? error.message : String(error);
  // A database the migrations never reached has no tables; say what to run.
  const hint = /no such table/i.test(message)
    ? ' (apply the migrations first: npm run db:migrate:local, or db:migrate:remote)'
    : '';
  return { code: 'failed', message: `${message}${hint}`, status: EXIT_FAILED };
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input: pipe it in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// Run as a script, not when imported by the tests.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    readStdin: readAllStdin,
  });
}
