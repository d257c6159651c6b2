// Worker entry: builds the app once per isolate from the environment and serves every request with it.
import type { Hono } from 'hono';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import type { Bindings } from './env';
import type { AppEnv } from './http/context';
import { databaseFor } from './storage/db';
import { purgeExpired } from './storage/purge';
import { maintainKeys } from './oauth/managed-keys';
import { managedKeysFor, signingKeySourceFor } from './oauth/signing-key-source';
import { storesFor } from './storage/stores';

let app: Hono<AppEnv> | undefined;

export default {
  fetch(request, env, ctx) {
    try {
      app ??= buildApp(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      return Response.json(
        { error: 'server_error', error_description: 'the authorization server is misconfigured; see its logs' },
        { status: 500, headers: { 'Cache-Control': 'no-store' } },
      );
    }
    return app.fetch(request, env, ctx);
  },
  // The hourly cron of wrangler.toml: deletes expired codes, tokens, sessions and counters, and with managed keys
  // starts a due rotation (docs/operations.md).
  async scheduled(controller, env) {
    const now = Math.floor(controller.scheduledTime / 1000);
    const purged = await purgeExpired(databaseFor(env.DB), now);
    console.log(JSON.stringify({ event: 'purge_expired', cron: controller.cron, ...purged }));
    await maintainManagedKeys(env, now);
  },
} satisfies ExportedHandler<Bindings>;

async function maintainManagedKeys(env: Bindings, now: number): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return;
  }
  const managed = managedKeysFor(config, storesFor(env.DB).signingKeys);
  if (!managed) return;
  const { started, deletedRotations } = await maintainKeys(managed, now);
  for (const key of started) {
    console.log(JSON.stringify({ event: 'key_published', kid: key.kid, alg: key.alg, activates_at: key.activatesAt }));
  }
  if (deletedRotations.length > 0) console.log(JSON.stringify({ event: 'keys_deleted', rotations: deletedRotations }));
}

function buildApp(env: Bindings): Hono<AppEnv> {
  const config = loadConfig(env);
  return createApp({ config, keys: signingKeySourceFor(config, storesFor(env.DB).signingKeys) });
}
