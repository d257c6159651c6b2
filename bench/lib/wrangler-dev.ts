// The second mode (--wrangler-dev): Portcullis under `wrangler dev`, as a developer runs it, with its proxy and
// inspector in front of workerd. Local D1 persisted under the run's temp directory, migrations applied and the
// bench client seeded with wrangler's own d1 commands; the server's CPU is wrangler's Node process (its proxy) and its workerd.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { storesFor } from '../../src/storage/stores';
import { WRANGLER_ENV } from './build';
import { recordingDatabase, sqlScript } from './d1-recorder';
import type { Server } from './server';
import { descendantsNamed } from './proc';
import { BENCH_CLIENT_ID, clientRecord, type Credentials } from './seed';

const run = promisify(execFile);
const WRANGLER = join('node_modules', 'wrangler', 'bin', 'wrangler.js');
const START_TIMEOUT_MS = 60_000;

export async function startWranglerDev(
  workDir: string,
  port: number,
  signingKeys: string,
): Promise<Server & { client: Credentials }> {
  const persistTo = join(workDir, 'wrangler-state');
  const wrangler = (...args: string[]) => run(process.execPath, [WRANGLER, ...args], { env: WRANGLER_ENV });
  await wrangler('d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo);

  const { client, secret } = await clientRecord(BENCH_CLIENT_ID);
  const recorder = recordingDatabase();
  await storesFor(recorder.db).clients.create(client);
  const seedFile = join(workDir, 'wrangler-seed.sql');
  writeFileSync(seedFile, sqlScript(recorder.statements));
  await wrangler('d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--file', seedFile);

  const issuer = `http://127.0.0.1:${port}`;
  const envFile = join(workDir, 'wrangler-dev.env');
  writeFileSync(
    envFile,
    [`ISSUER=${issuer}`, 'REGISTRATION_POLICY=closed', `SIGNING_KEYS='${signingKeys}'`].join('\n'),
  );
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persistTo,
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
    ],
    { env: WRANGLER_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const dispose = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  try {
    await waitUntilServing(`${issuer}/.well-known/jwks.json`, () => output);
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    name: 'wrangler-dev',
    url: issuer,
    pids: [child.pid!, ...descendantsNamed(child.pid!, 'workerd')],
    client: { clientId: client.id, secret },
    dispose,
  };
}

async function waitUntilServing(url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not serve ${url} within ${START_TIMEOUT_MS} ms:\n${output()}`);
}
