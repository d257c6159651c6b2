// Running the project's CLIs (wrangler) from scripts: with node_modules/.bin first on PATH, so they get the pinned
// Node 22 even when a script is started outside npm, and with no prompt or telemetry.
import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(PROJECT_ROOT, 'node_modules', '.bin');

export function toolEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
    WRANGLER_SEND_METRICS: 'false',
    // The Worker does not read request.cf; fetching its sample from Cloudflare only fails noisily offline.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    ...extra,
  };
}

/** Runs a command to completion; rejects when it fails. stdin is closed so nothing can wait for an answer. */
export function runTool(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  stdio: StdioOptions = ['ignore', 'inherit', 'inherit'],
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(BIN, command), args, { cwd: PROJECT_ROOT, env: toolEnvironment(extraEnv), stdio });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Hands the terminal to a long-running command, forwards termination signals to it, and exits with its status. */
export function execTool(command: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const child = spawn(join(BIN, command), args, {
    cwd: PROJECT_ROOT,
    env: toolEnvironment(extraEnv),
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  child.on('error', (error) => {
    console.error(error);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
}
