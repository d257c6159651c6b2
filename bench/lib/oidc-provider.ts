// Starts bench/servers/oidc-provider.ts as a child Node process on a loopback port and waits until it listens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface NodeServer {
  name: string;
  url: string;
  pids: number[];
  dispose(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startOidcProvider(port: number, clientId: string, clientSecret: string): Promise<NodeServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/servers/oidc-provider.ts', String(port), clientId, clientSecret],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`oidc-provider did not start in ${START_TIMEOUT_MS} ms:\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider exited with ${code}:\n${stderr}`));
    });
  });
  await ready;
  return {
    name: 'oidc-provider',
    url: `http://127.0.0.1:${port}`,
    pids: [child.pid!],
    async dispose() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
