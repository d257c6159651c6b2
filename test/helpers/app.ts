// Builds an app with its own configuration (another key set, another policy) for tests that need one.
import { env } from 'cloudflare:test';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';
import { importKeyRing } from '../../src/tokens/keys';

export function createTestApp(overrides: Partial<Bindings> = {}) {
  const bindings: Bindings = { ...env, ...overrides };
  const config = loadConfig(bindings);
  const app = createApp({ config, keys: importKeyRing([...config.signingKeys]) });
  return {
    app,
    bindings,
    request: (path: string, init?: RequestInit) =>
      app.request(new URL(path, 'https://issuer.test').toString(), init, bindings),
  };
}
