// Global setup of the workers project: the upstream OpenID providers of the federation tests, each on its own
// loopback port in Node (workerd's fetch reaches them): node-oidc-provider, and the test-controlled fake upstream.
// Their URLs reach the tests through inject('upstreams').
import type { TestProject } from 'vitest/node';
import { TEST_ISSUER } from '../helpers/constants';
import { startFakeUpstream } from './fake-upstream';
import { startOidcProviderUpstream } from './oidc-provider-upstream';

declare module 'vitest' {
  export interface ProvidedContext {
    upstreams: { oidcProvider: string; fake: string };
  }
}

export default async function setup(project: TestProject) {
  const oidcProvider = await startOidcProviderUpstream(() => [`${TEST_ISSUER}/upstream/node/callback`]);
  const fake = await startFakeUpstream();
  project.provide('upstreams', { oidcProvider: oidcProvider.url, fake: fake.url });
  return async () => {
    await Promise.all([oidcProvider.close(), fake.close()]);
  };
}
