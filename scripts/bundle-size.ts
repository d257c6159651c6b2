// `npm run bundle:size [-- --outdir dist] [--config path/wrangler.toml]`: builds the production Worker bundle with
// `wrangler deploy --dry-run` (no login, nothing uploaded) and prints its raw and gzip size, the number the README's
// Performance section quotes. `--config examples/resource-service/wrangler.toml` measures a Worker that uses only
// the verifier (after `npm run examples:install`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PROJECT_ROOT, runTool } from './lib/process';

/** Cloudflare's limit on a Worker's compressed size on the Workers Free plan (10 MiB on Paid). */
const FREE_PLAN_LIMIT_KIB = 3 * 1024;

/** The uploaded modules: everything wrangler writes except source maps and its README. */
function bundleFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map') && entry.name !== 'README.md')
    .map((entry) => join(entry.parentPath, entry.name));
}

function kibibytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { outdir: { type: 'string', default: 'dist' }, config: { type: 'string', default: 'wrangler.toml' } },
  });
  const outdir = resolve(PROJECT_ROOT, values.outdir);
  await runTool('wrangler', ['deploy', '--dry-run', '--config', values.config, '--outdir', outdir], { CI: 'true' });
  const files = bundleFiles(outdir);
  if (files.length === 0) throw new Error(`wrangler wrote no bundle to ${outdir}`);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const content = readFileSync(file);
    raw += content.byteLength;
    gzip += gzipSync(content).byteLength;
  }
  const names = files.map((file) => join(values.outdir, relative(outdir, file))).join(', ');
  const share = ((gzip / 1024 / FREE_PLAN_LIMIT_KIB) * 100).toFixed(1);
  console.log(
    `Worker bundle (${values.config}): ${kibibytes(raw)} raw, ${kibibytes(gzip)} gzip (${names}; ${share}% of the 3 MiB Free plan limit)`,
  );
}

main().catch((error: unknown) => {
  console.error(`bundle:size: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
