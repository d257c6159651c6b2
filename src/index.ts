// Worker entry: builds the app once per isolate from the environment and serves every request with it.
import type { Hono } from 'hono';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import type { Bindings } from './env';
import type { AppEnv } from './http/context';
import { databaseFor } from './storage/db';
import { purgeExpired } from './storage/purge';
import { importKeyRing } from './tokens/keys';

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
  // The hourly cron of wrangler.toml: deletes expired codes, tokens, sessions and counters (docs/operations.md).
  async scheduled(controller, env) {
    const purged = await purgeExpired(databaseFor(env.DB), Math.floor(controller.scheduledTime / 1000));
    console.log(JSON.stringify({ event: 'purge_expired', cron: controller.cron, ...purged }));
  },
} satisfies ExportedHandler<Bindings>;

function buildApp(env: Bindings): Hono<AppEnv> {
  const config = loadConfig(env);
  const keys = importKeyRing([...config.signingKeys]);
  // Surface a key that parses but cannot be imported at start-up, in the logs, not per request.
  keys.catch((error: unknown) => console.error('SIGNING_KEYS could not be imported:', error));
  return createApp({ config, keys });
}
