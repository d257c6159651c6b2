// Runs a bundled Worker in workerd directly through Miniflare's API (no wrangler proxy, no inspector), on its own
// loopback port and its own workerd process, with an optional local D1 persisted under the run's temp directory.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from 'miniflare';
import { applyMigrations } from '../../scripts/lib/d1-migrations';
import { descendantsNamed } from './proc';

export interface WorkerdServer {
  name: string;
  url: string;
  /** The workerd process that serves it: its CPU time is the server's. */
  pids: number[];
  db: D1Database | undefined;
  dispose(): Promise<void>;
}

export interface WorkerdOptions {
  name: string;
  scriptPath: string;
  port: number;
  compatibilityDate: string;
  compatibilityFlags: string[];
  bindings: Record<string, string>;
  /** When set, binds a D1 database as DB, persisted here, with migrations/ applied. */
  persistDir?: string;
  /** Serve through Miniflare's entry Worker (as issue 5's anchors were measured) instead of the Worker's own socket. */
  viaEntryWorker?: boolean;
  /** Receives the Worker's console output instead of this process's stdout (the soak keeps its errors). */
  onLog?: (log: { level: string; message: string }) => void;
}

export async function startWorkerd(options: WorkerdOptions): Promise<WorkerdServer> {
  const before = new Set(descendantsNamed(process.pid, 'workerd'));
  // Miniflare 5 takes its v4 option shape through this documented converter, which also leaves the dev registry off.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: options.name,
      host: '127.0.0.1',
      // By default the bench talks to the Worker's own socket, not through Miniflare's entry Worker (which runs a
      // second script, its router and proxy, on every request): the closest to a deployed Worker local workerd gets.
      ...(options.viaEntryWorker
        ? { port: options.port }
        : { port: 0, unsafeDirectSockets: [{ host: '127.0.0.1', port: options.port }] }),
      modules: true,
      scriptPath: options.scriptPath,
      // Module names are paths relative to this; the bundle lives in the run's temp directory.
      modulesRoot: dirname(options.scriptPath),
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
      bindings: options.bindings,
      ...(options.persistDir
        ? { d1Databases: { DB: `bench-${options.name}` }, resourcePersistencePath: options.persistDir }
        : {}),
      log: new Log(LogLevel.WARN),
      ...(options.onLog ? { handleStructuredLogs: options.onLog } : {}),
      logRequests: false,
      telemetry: { enabled: false },
      cf: false,
    }),
  );
  // A failed start (the port taken meanwhile) must not leave its workerd behind.
  const entryUrl = await mf.ready.catch(async (error: unknown) => {
    await mf.dispose().catch(() => {});
    throw error;
  });
  const url = (options.viaEntryWorker ? entryUrl : await mf.unsafeGetDirectURL(options.name))
    .toString()
    .replace(/\/$/, '');
  const pids = descendantsNamed(process.pid, 'workerd').filter((pid) => !before.has(pid));
  if (pids.length !== 1) throw new Error(`expected one new workerd process for ${options.name}, found ${pids.length}`);
  const db = options.persistDir ? await mf.getD1Database('DB') : undefined;
  if (db) await applyMigrations(db);
  return { name: options.name, url, pids, db, dispose: () => mf.dispose() };
}

/** compatibility_date and compatibility_flags from wrangler.toml, so the bench runs what deploys. */
export function readCompatibility(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync('wrangler.toml', 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? '';
  return { compatibilityDate: date, compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((match) => match[1]!) };
}
