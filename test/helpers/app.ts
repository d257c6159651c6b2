// Builds an app with its own configuration (another key set, another policy) for tests that need one.
import { env } from 'cloudflare:test';
import { type AppDependencies, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';
import { signingKeySourceFor } from '../../src/oauth/signing-key-source';
import { storesFor } from '../../src/storage/stores';
import { expect } from 'vitest';
import { basicAuthorization } from './http';

export function createTestApp(
  overrides: Partial<Bindings> = {},
  dependencies: Pick<AppDependencies, 'fetchDocument'> = {},
) {
  const bindings: Bindings = { ...env, ...overrides };
  const config = loadConfig(bindings);
  const keys = signingKeySourceFor(config, storesFor(bindings.DB));
  const app = createApp({ config, keys, ...dependencies });
  return {
    app,
    bindings,
    config,
    keys,
    request: (path: string, init?: RequestInit) =>
      app.request(new URL(path, 'https://issuer.test').toString(), init, bindings),
  };
}

export type TestApp = ReturnType<typeof createTestApp>;

/** An access token from the app's token endpoint with the client_credentials grant; fails the test unless 200. */
export async function clientCredentialsToken(testApp: TestApp, clientId: string, secret: string): Promise<string> {
  const response = await testApp.request('/oauth/token', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization(clientId, secret),
    },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return (await response.json<{ access_token: string }>()).access_token;
}
