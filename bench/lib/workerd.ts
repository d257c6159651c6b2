// Runs a bundled Worker in workerd directly through Miniflare's API (no wrangler proxy, no inspector), on its own
// loopback port and its own workerd process, with an optional local D1 persisted under the run's temp directory.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from 'miniflare';
import { freePort } from '../../scripts/lib/free-port';
import { applyMigrations } from '../../scripts/lib/d1-migrations';
import { descendantsNamed } from './proc';

export interface WorkerdServer {
  name: string;
  url: string;
  /** The workerd process that serves it: its CPU time is the server's. */
  pids: number[];
  db: D1Database | undefined;
  /** workerd's inspector (ws://…), with `inspectorPort`. */
  inspectorUrl?: string;
  dispose(): Promise<void>;
}

export interface WorkerdOptions {
  name: string;
  scriptPath: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Text bindings; a function when one depends on the port chosen (Portcullis's ISSUER). */
  bindings: Record<string, string> | ((port: number) => Record<string, string>);
  /** Where the Worker's D1 and KV data live; with `d1`, a D1 database is bound as DB with migrations/ applied. */
  persistDir?: string;
  d1?: boolean;
  /** KV namespaces to bind by name (the peers' storage), persisted under `persistDir`. */
  kvNamespaces?: string[];
  /** Modules the script imports by relative path (Portcullis's bench entry imports the production bundle). */
  extraModules?: string[];
  /** Serve through Miniflare's entry Worker (as issue 5's anchors were measured) instead of the Worker's own socket. */
  viaEntryWorker?: boolean;
  /** Opens workerd's inspector on this port (the CPU profile of `npm run bench:profile`); none by default. */
  inspectorPort?: number;
  /** Receives the Worker's console output instead of this process's stdout (the soak keeps its errors). */
  onLog?: (log: { level: string; message: string }) => void;
}

/** Other work on the machine can take a free port between its choice and workerd binding it: then another one. */
const PORT_ATTEMPTS = 5;

/** Starts the Worker on a free loopback port; the server's `url` says which. */
export async function startWorkerd(options: WorkerdOptions): Promise<WorkerdServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(options, await freePort());
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_ADDRESS_IN_USE' || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOnPort(options: WorkerdOptions, port: number): Promise<WorkerdServer> {
  const before = new Set(descendantsNamed(process.pid, 'workerd'));
  // Miniflare 5 takes its v4 option shape through this documented converter, which also leaves the dev registry off.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: options.name,
      host: '127.0.0.1',
      // By default the bench talks to the Worker's own socket, not through Miniflare's entry Worker (which runs a
      // second script, its router and proxy, on every request): the closest to a deployed Worker local workerd gets.
      ...(options.viaEntryWorker ? { port } : { port: 0, unsafeDirectSockets: [{ host: '127.0.0.1', port }] }),
      ...(options.extraModules
        ? {
            modules: [options.scriptPath, ...options.extraModules].map((path) => ({ type: 'ESModule', path })),
          }
        : { modules: true, scriptPath: options.scriptPath }),
      // Module names are paths relative to this; the bundle lives in the run's temp directory.
      modulesRoot: dirname(options.scriptPath),
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
      bindings: typeof options.bindings === 'function' ? options.bindings(port) : options.bindings,
      ...(options.persistDir
        ? {
            ...(options.d1 ? { d1Databases: { DB: `bench-${options.name}` } } : {}),
            kvNamespaces: Object.fromEntries((options.kvNamespaces ?? []).map((name) => [name, `bench-${name}`])),
            resourcePersistencePath: options.persistDir,
          }
        : {}),
      // OpenAuth logs every request with console.log: the bench's stdout is its table, so the Workers' logs are
      // dropped, except errors.
      handleStructuredLogs({ level, message }: { level: string; message: string }) {
        if (level === 'error') console.error(`[${options.name}] ${message}`);
      },
      log: new Log(LogLevel.WARN),
      ...(options.onLog ? { handleStructuredLogs: options.onLog } : {}),
      logRequests: false,
      telemetry: { enabled: false },
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
      cf: false,
    }),
  );
  let entryUrl: URL;
  try {
    entryUrl = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  const url = (options.viaEntryWorker ? entryUrl : await mf.unsafeGetDirectURL(options.name))
    .toString()
    .replace(/\/$/, '');
  const pids = descendantsNamed(process.pid, 'workerd').filter((pid) => !before.has(pid));
  if (pids.length !== 1) throw new Error(`expected one new workerd process for ${options.name}, found ${pids.length}`);
  const db = options.d1 ? await mf.getD1Database('DB') : undefined;
  if (db) await applyMigrations(db);
  const inspectorUrl = options.inspectorPort === undefined ? undefined : (await mf.getInspectorURL()).toString();
  return { name: options.name, url, pids, db, ...(inspectorUrl ? { inspectorUrl } : {}), dispose: () => mf.dispose() };
}

/** compatibility_date and compatibility_flags from wrangler.toml, so the bench runs what deploys. */
export function readCompatibility(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync('wrangler.toml', 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? '';
  return { compatibilityDate: date, compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((match) => match[1]!) };
}
