// Worker entry: builds the app once per isolate from the environment and serves every request with it.
import type { Hono } from 'hono';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import type { Bindings } from './env';
import type { AppEnv } from './http/context';
import { signingKeySourceFor } from './oauth/signing-key-source';
import { runScheduled } from './scheduled';
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
  // The hourly cron of wrangler.toml (src/scheduled.ts).
  scheduled(controller, env, ctx) {
    return runScheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;

function buildApp(env: Bindings): Hono<AppEnv> {
  const config = loadConfig(env);
  return createApp({ config, keys: signingKeySourceFor(config, storesFor(env.DB)) });
}
