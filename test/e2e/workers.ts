// Builds Workers as `wrangler deploy --dry-run` bundles them and runs them in workerd through Miniflare's API, for the
// tests that need two Workers: the issuer (this repository's Worker, with a local D1) and an example resource service.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  convertV4MiniflareOptions,
  Log,
  LogLevel,
  Miniflare,
  type MiniflareOptions,
  type V4WorkerOptionsShape,
} from 'miniflare';
import { applyMigrations } from '../../scripts/lib/d1-migrations';
import { PROJECT_ROOT, runTool } from '../../scripts/lib/process';

/** Bundles the Worker of `configPath` into `outdir` exactly as a deploy would; returns the script's path. */
export async function bundleWorker(configPath: string, outdir: string): Promise<string> {
  await runTool('wrangler', ['deploy', '--dry-run', '--config', configPath, '--outdir', outdir], { CI: 'true' }, [
    'ignore',
    'ignore',
    'inherit',
  ]);
  return join(outdir, 'index.js');
}

export function compatibilityDateOf(configPath: string): string {
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(PROJECT_ROOT, configPath), 'utf8'))?.[1];
  if (!date) throw new Error(`${configPath} has no compatibility_date`);
  return date;
}

export type WorkerOptions = V4WorkerOptionsShape & { name: string; scriptPath: string };

/** One workerd running the given Workers; `persistDir` keeps D1 across setOptions (a restart with new settings). */
export async function startWorkers(workers: WorkerOptions[], persistDir?: string): Promise<Miniflare> {
  const mf = new Miniflare(miniflareOptions(workers, persistDir));
  await mf.ready;
  return mf;
}

/** Miniflare 5's options from its v4 shape (the documented converter), for the constructor and setOptions. */
export function miniflareOptions(workers: WorkerOptions[], persistDir?: string): MiniflareOptions {
  return convertV4MiniflareOptions({
    workers: workers.map((worker) => ({ modules: true, modulesRoot: dirname(worker.scriptPath), ...worker })),
    ...(persistDir ? { resourcePersistencePath: persistDir } : {}),
    log: new Log(LogLevel.WARN),
    telemetry: { enabled: false },
    cf: false,
  });
}

export async function migrate(mf: Miniflare, workerName: string): Promise<void> {
  await applyMigrations(await mf.getD1Database('DB', workerName));
}
