// Runs the Worker under `wrangler dev` for the browser tests: a free loopback port, D1 state in a temporary directory
// with the migrations applied, and its own signing keys and settings in a temporary env file (which wrangler reads
// instead of .dev.vars, so a developer's local settings play no part).
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, runTool, toolEnvironment } from '../../scripts/lib/process';
import { generateSigningKeySet } from '../../src/tokens/generate-key';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { freePort } from '../../scripts/lib/free-port';

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export interface DevServer {
  issuer: string;
  stop(): Promise<void>;
}

/**
 * `host` names the issuer: 127.0.0.1 by default, or `localhost` for passkeys (browsers refuse an IP address as a
 * WebAuthn RP ID); either way wrangler listens on 127.0.0.1. `settings`: further vars and secrets of the Worker
 * (e.g. UPSTREAM_PROVIDERS), written to its env file.
 */
export async function startDevServer(
  options: { host?: 'localhost' | '127.0.0.1'; settings?: Record<string, string> } = {},
): Promise<DevServer> {
  const directory = await mkdtemp(join(tmpdir(), 'portcullis-e2e-'));
  const issuer = `http://${options.host ?? '127.0.0.1'}:${await freePort()}`;
  const envFile = join(directory, 'worker.env');
  const signingKeys = JSON.stringify(await generateSigningKeySet(['ES256', 'RS256']));
  const extraLines = Object.entries(options.settings ?? {})
    .map(([name, value]) => `${name}='${value}'\n`)
    .join('');
  await writeFile(
    envFile,
    `ISSUER=${issuer}\nREGISTRATION_POLICY=open\nSIGNING_KEYS='${signingKeys}'\nCLIENT_SECRET_ENCRYPTION_KEY=${generateOpaqueToken()}\nTOTP_ENCRYPTION_KEY=${generateOpaqueToken()}\n${extraLines}`,
    {
      mode: 0o600,
    },
  );
  const persist = join(directory, 'state');
  await runTool('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { CI: 'true' }, [
    'ignore',
    'ignore',
    'inherit',
  ]);

  const { port } = new URL(issuer);
  const args = ['dev', '--ip', '127.0.0.1', '--port', port, '--persist-to', persist, '--env-file', envFile];
  // Its own process group, so stopping it also stops the workerd it starts.
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: PROJECT_ROOT,
    env: toolEnvironment({ CI: 'true' }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  }

  try {
    await waitUntilReady(issuer, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`wrangler dev did not start: ${error instanceof Error ? error.message : String(error)}\n${output}`);
  }
  return { issuer, stop };
}

async function waitUntilReady(issuer: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('it exited');
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer within ${READY_TIMEOUT_MS / 1000} s`);
}

/** POSTs JSON to the running issuer (sign-up, registration) and expects 201 Created. */
export async function postJson(issuer: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json() as Promise<Record<string, unknown>>;
}
