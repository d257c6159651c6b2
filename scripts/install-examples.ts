// `npm run examples:install`: builds @portcullis/verify, packs it with `npm pack` (exactly what a publish would ship)
// to examples/.packed/portcullis-verify.tgz, and installs each example's dependencies from its own package.json, the
// verifier from that tarball. So the examples reach no workspace link and no path into this repository's sources.
// The end-to-end tests run it first (test/e2e/global-setup.ts); a fresh clone needs nothing else.
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, toolEnvironment } from './lib/process';

const run = promisify(execFile);

export const EXAMPLES_DIR = join(PROJECT_ROOT, 'examples');
export const PACKED_VERIFIER = join(EXAMPLES_DIR, '.packed', 'portcullis-verify.tgz');
/** The examples that install packages; each has its own package.json. */
export const INSTALLED_EXAMPLES = ['resource-service', 'spa', 'mcp-server'] as const;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: toolEnvironment({ npm_config_update_notifier: 'false' }) });
  return stdout;
}

export async function packVerifier(): Promise<string> {
  await npm(['run', '--silent', 'build', '-w', '@portcullis/verify'], PROJECT_ROOT);
  const destination = join(EXAMPLES_DIR, '.packed');
  mkdirSync(destination, { recursive: true });
  const [packed] = JSON.parse(
    await npm(['pack', '-w', '@portcullis/verify', '--json', '--pack-destination', destination], PROJECT_ROOT),
  ) as Array<{ filename: string }>;
  if (!packed) throw new Error('npm pack wrote no tarball');
  renameSync(join(destination, packed.filename), PACKED_VERIFIER);
  return PACKED_VERIFIER;
}

export async function installExamples(): Promise<void> {
  await packVerifier();
  for (const example of INSTALLED_EXAMPLES) {
    const directory = join(EXAMPLES_DIR, example);
    // Same version, new tarball: npm would keep the old copy without this.
    rmSync(join(directory, 'node_modules', '@portcullis'), { recursive: true, force: true });
    await npm(['install', '--omit=dev', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline'], directory);
    if (example !== 'spa') assertInstalledFromTarball(directory);
  }
}

/** The verifier must be a real copy inside the example, not a link back to packages/verify. */
function assertInstalledFromTarball(directory: string): void {
  const installed = join(directory, 'node_modules', '@portcullis', 'verify');
  if (lstatSync(installed).isSymbolicLink() || !realpathSync(installed).startsWith(directory)) {
    throw new Error(`${installed} is not a copy installed from the packed tarball`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  installExamples().then(
    () => console.log(`Installed the examples with ${PACKED_VERIFIER}`),
    (error: unknown) => {
      console.error(`examples:install: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
