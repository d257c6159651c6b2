// Builds what the bench serves: the production bundle exactly as `wrangler deploy --dry-run` makes it (and its
// gzip size, goal 5), and the ceiling Workers under bench/ceilings/, bundled with esbuild as wrangler would.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const run = promisify(execFile);

/** Keeps wrangler from phoning home: bench traffic stays on loopback. */
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' };

export interface ProductionBundle {
  scriptPath: string;
  bytes: number;
  /** As wrangler reports it ("Total Upload: … / gzip: …"). */
  gzipKiB: number;
}

export async function buildProductionBundle(outdir: string): Promise<ProductionBundle> {
  const { stdout } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], { env: WRANGLER_ENV });
  const scriptPath = join(outdir, 'index.js');
  const script = readFileSync(scriptPath);
  const reported = /gzip:\s*([\d.]+)\s*KiB/.exec(stdout)?.[1];
  return {
    scriptPath,
    bytes: script.byteLength,
    gzipKiB: reported ? Number(reported) : gzipSync(script).byteLength / 1024,
  };
}

export async function bundleCeiling(name: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `${name}.js`);
  await build({
    entryPoints: [join('bench', 'ceilings', `${name}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*'],
    minify: true,
    logLevel: 'warning',
  });
  return outfile;
}
