// The D1 database the admin commands work on, reached through wrangler's getPlatformProxy like scripts/dev.ts:
// the local state `wrangler dev` serves (.wrangler/state, or --persist-to), or with --remote the deployed database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../lib/process';

export type DatabaseTarget = { kind: 'local'; persistTo?: string | undefined } | { kind: 'remote' };

export interface OpenDatabase {
  binding: D1Database;
  /** For messages: which database this is. */
  description: string;
  close(): Promise<void>;
}

const WRANGLER_CONFIG = join(PROJECT_ROOT, 'wrangler.toml');
const BINDING = 'DB';

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  // Wrangler's own messages ("Using secrets defined in .dev.vars") would mix with the answer on stdout. The logger
  // reads WRANGLER_LOG when wrangler loads, hence the import here.
  process.env.WRANGLER_LOG ??= 'error';
  const { getPlatformProxy } = await import('wrangler');
  if (target.kind === 'local') {
    // wrangler's --persist-to <dir> keeps its state in <dir>/v3; getPlatformProxy takes that inner directory.
    const persist = target.persistTo === undefined ? true : { path: join(resolve(target.persistTo), 'v3') };
    const platform = await getPlatformProxy<Record<typeof BINDING, D1Database>>({
      configPath: WRANGLER_CONFIG,
      persist,
      remoteBindings: false,
    });
    const where = target.persistTo === undefined ? '.wrangler/state' : target.persistTo;
    return { binding: platform.env[BINDING], description: `local D1 (${where})`, close: () => platform.dispose() };
  }
  // Remote bindings are wrangler's supported way to reach a deployed resource from Node: a binding marked
  // `remote: true`, proxied through Cloudflare with the credentials of `wrangler login` (or CLOUDFLARE_API_TOKEN).
  // wrangler.toml must not mark DB remote (`wrangler dev` would then use production data), so a copy marks it.
  const directory = mkdtempSync(join(tmpdir(), 'portcullis-admin-'));
  try {
    const configPath = join(directory, 'wrangler.json');
    writeFileSync(configPath, JSON.stringify(await remoteConfig()));
    const platform = await getPlatformProxy<Record<typeof BINDING, D1Database>>({
      configPath,
      persist: false,
      remoteBindings: true,
      envFiles: [],
    });
    return {
      binding: platform.env[BINDING],
      description: 'remote D1 (the deployed database)',
      close: async () => {
        await platform.dispose();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** The environment `npm run deploy` uploads (wrangler.toml [env.production]); its D1 is the deployed one. */
const DEPLOYED_ENVIRONMENT = 'production';

/** A minimal wrangler config with the production environment's D1 binding marked remote. */
async function remoteConfig(): Promise<Record<string, unknown>> {
  const { experimental_readRawConfig } = await import('wrangler');
  const raw: unknown = experimental_readRawConfig({ config: WRANGLER_CONFIG }).rawConfig;
  const config = isRecord(raw) ? raw : {};
  const environments = isRecord(config.env) ? config.env : {};
  const deployed = isRecord(environments[DEPLOYED_ENVIRONMENT]) ? environments[DEPLOYED_ENVIRONMENT] : config;
  const database = (Array.isArray(deployed.d1_databases) ? deployed.d1_databases : []).find(
    (entry: unknown) => isRecord(entry) && entry.binding === BINDING,
  );
  if (!isRecord(database) || typeof database.database_id !== 'string' || /^[0-]+$/.test(database.database_id)) {
    throw new Error(
      `wrangler.toml [env.${DEPLOYED_ENVIRONMENT}] has no database_id for the ${BINDING} binding: set the id that \`wrangler d1 create\` printed`,
    );
  }
  return {
    name: config.name,
    compatibility_date: config.compatibility_date,
    ...(config.account_id === undefined ? {} : { account_id: config.account_id }),
    d1_databases: [
      { binding: BINDING, database_name: database.database_name, database_id: database.database_id, remote: true },
    ],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
