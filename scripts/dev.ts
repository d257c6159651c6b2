// `npm start`: a working local issuer in one command, offline and without prompts. Generates the development
// secrets and limits (lib/worker-dev-vars.ts) into the git-ignored .dev.vars when absent, applies the D1 migrations locally, seeds the demo data
// idempotently, prints how to use it, then runs `wrangler dev` on 127.0.0.1:$PORT with the issuer following the port.
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { databaseFor } from '../src/storage/db';
import { storesFor } from '../src/storage/stores';
import { parseSigningKeySet } from '../src/tokens/keys';
import { ensureDevVars, type DevVarGenerators } from './lib/dev-vars';
import { execTool, PROJECT_ROOT, runTool } from './lib/process';
import { WORKER_DEV_VARS } from './lib/worker-dev-vars';
import { SEEDS } from './seed';

const DEFAULT_PORT = 8787;
const HOST = '127.0.0.1';

/**
 * The issuer's host name: 127.0.0.1 by default, or `ISSUER_HOST=localhost` for passkeys, since browsers refuse an IP
 * address as a WebAuthn relying party ID (docs/accounts.md "Passkeys"). Either way wrangler listens on 127.0.0.1.
 */
function readIssuerHost(value: string | undefined): string {
  if (value === undefined || value === '') return HOST;
  if (value !== 'localhost' && value !== HOST) {
    console.error(`npm start: ISSUER_HOST must be localhost or ${HOST}, got "${value}"`);
    process.exit(2);
  }
  return value;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`npm start: PORT must be a TCP port number (1-65535), got "${value}"`);
    process.exit(2);
  }
  return port;
}

async function prepareDevVars(): Promise<Record<string, string>> {
  const generators = Object.assign({}, WORKER_DEV_VARS, ...SEEDS.map((seed) => seed.devVars ?? {})) as DevVarGenerators;
  const { values, created } = await ensureDevVars(join(PROJECT_ROOT, '.dev.vars'), generators);
  if (created.length > 0) console.log(`Wrote ${created.join(', ')} to .dev.vars (git-ignored).`);
  try {
    parseSigningKeySet(values.SIGNING_KEYS);
  } catch (error) {
    throw new Error(
      `.dev.vars: ${error instanceof Error ? error.message : String(error)} (delete the SIGNING_KEYS line to generate a new set)`,
    );
  }
  return values;
}

async function seed(issuer: string, devVars: Record<string, string>): Promise<string[]> {
  // The same local D1 state (.wrangler/state) that `wrangler dev` serves, reached through the storage code.
  const platform = await getPlatformProxy<{ DB: D1Database }>({
    configPath: join(PROJECT_ROOT, 'wrangler.toml'),
    persist: true,
    remoteBindings: false,
  });
  try {
    const context = { stores: storesFor(platform.env.DB), db: databaseFor(platform.env.DB), issuer, devVars };
    const lines: string[] = [];
    for (const item of SEEDS) lines.push(...(await item.run(context)), '');
    return lines;
  } finally {
    await platform.dispose();
  }
}

async function main(): Promise<void> {
  const port = readPort(process.env.PORT);
  const issuer = `http://${readIssuerHost(process.env.ISSUER_HOST)}:${port}`;
  const devVars = await prepareDevVars();
  // CI=true and a closed stdin make wrangler skip its confirmation prompt.
  await runTool('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], { CI: 'true' });
  const seeded = await seed(issuer, devVars);

  console.log(
    [
      '',
      `Portcullis issuer: ${issuer}  (registration policy: ${devVars.REGISTRATION_POLICY})`,
      `  discovery: ${issuer}/.well-known/openid-configuration`,
      `  JWKS:      ${issuer}/.well-known/jwks.json`,
      `  outbox:    ${issuer}/dev/outbox  (the mail the issuer sends: address confirmations, password resets)`,
      '',
      ...seeded,
    ].join('\n'),
  );
  execTool('wrangler', ['dev', '--ip', HOST, '--port', String(port), '--var', `ISSUER:${issuer}`]);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
