// Builds what the bench serves: the production bundle exactly as `wrangler deploy --dry-run` makes it (and its
// gzip size), its metered bench entry, the ceiling Workers under bench/ceilings/ and the peer Workers under
// bench/workers/, bundled with esbuild as wrangler would.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** `minify: false` for a CPU profile, whose function names must survive; the production bundle is minified. */
export async function buildProductionBundle(outdir: string, minify = true): Promise<ProductionBundle> {
  const { stdout } = await run(
    'npx',
    ['wrangler', 'deploy', '--dry-run', '--outdir', outdir, ...(minify ? [] : ['--minify', 'false'])],
    { env: WRANGLER_ENV },
  );
  const scriptPath = join(outdir, 'index.js');
  const script = readFileSync(scriptPath);
  const reported = /gzip:\s*([\d.]+)\s*KiB/.exec(stdout)?.[1];
  return {
    scriptPath,
    bytes: script.byteLength,
    gzipKiB: reported ? Number(reported) : gzipSync(script).byteLength / 1024,
  };
}

export function bundleCeiling(name: string, outdir: string): Promise<string> {
  return bundleWorker(join('bench', 'ceilings', `${name}.ts`), join(outdir, `${name}.js`));
}

/** A peer Worker (bench/workers/<name>.ts); Node built-ins stay imports, for the nodejs_compat flag OpenAuth needs. */
export function bundlePeer(name: string, outdir: string): Promise<string> {
  return bundleWorker(join('bench', 'workers', `${name}.ts`), join(outdir, `${name}.js`), ['node:*']);
}

/**
 * Portcullis's bench entry (bench/workers/portcullis.ts) next to the production bundle it imports unchanged as
 * `./index.js`, which stays a module of its own.
 */
export async function bundlePortcullisEntry(bundle: ProductionBundle): Promise<string> {
  return bundleWorker(join('bench', 'workers', 'portcullis.ts'), join(dirname(bundle.scriptPath), 'bench-entry.js'), [
    './index.js',
  ]);
}

async function bundleWorker(entry: string, outfile: string, external: string[] = []): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', ...external],
    // OpenAuth reads process.env.OPENAUTH_STORAGE; a Worker has no process.
    define: { 'process.env.OPENAUTH_STORAGE': 'undefined' },
    minify: true,
    logLevel: 'warning',
  });
  return outfile;
}
