// Before the end-to-end tests: pack @portcullis/verify and install the examples from their own package.json files,
// the verifier from the tarball (scripts/install-examples.ts), so the tests run the examples as a user would; and make
// the loopback TLS (test-tls.ts) whose authority the test processes' workerd trusts through NODE_EXTRA_CA_CERTS.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { installExamples } from '../../scripts/install-examples';
import { type LoopbackTls, loopbackTls } from './test-tls';

declare module 'vitest' {
  export interface ProvidedContext {
    loopbackTls: LoopbackTls;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await installExamples();
  const tls = loopbackTls();
  const directory = await mkdtemp(join(tmpdir(), 'portcullis-e2e-tls-'));
  const bundle = join(directory, 'ca.pem');
  // Set before the test processes start (and load Miniflare), which is when it is read; an authority the caller
  // already trusts this way stays trusted.
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  await writeFile(bundle, `${existing ? await readFile(existing, 'utf8').catch(() => '') : ''}\n${tls.ca}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  project.provide('loopbackTls', tls);
  return async () => {
    await rm(directory, { recursive: true, force: true });
  };
}
