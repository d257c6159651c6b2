// `npm start`'s .dev.vars: development-friendly limits written next to the secrets (one local run of an external
// conformance suite registers about 26 clients from one address), values a developer wrote are kept, and the
// production defaults of src/config.ts do not change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDevVars } from '../../scripts/lib/dev-vars';
import { WORKER_DEV_VARS } from '../../scripts/lib/worker-dev-vars';
import { loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';

const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function devVarsPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'portcullis-dev-vars-'));
  directories.push(directory);
  return join(directory, '.dev.vars');
}

describe('npm start .dev.vars', () => {
  it('writes development limits that a conformance-suite run stays within', async () => {
    const path = devVarsPath();
    const { values } = await ensureDevVars(path, WORKER_DEV_VARS);
    const file = readFileSync(path, 'utf8');
    expect(file).toContain('\nREGISTRATION_RATE_LIMIT=10000\n');
    expect(file).toContain('\nREGISTRATION_MAX_CLIENTS_PER_REGISTRANT=10000\n');
    expect(file).toContain('\nSIGNUP_RATE_LIMIT=1000\n');

    const config = loadConfig(values as unknown as Bindings);
    expect(config.registrationPolicy).toBe('open');
    expect(config.registrationRateLimit.limit).toBe(10_000);
    expect(config.registrationMaxClientsPerRegistrant).toBe(10_000);
    expect(config.signupRateLimit.limit).toBe(1000);
  });

  it('keeps a limit the developer set, and production keeps its defaults', async () => {
    const path = devVarsPath();
    writeFileSync(path, 'REGISTRATION_RATE_LIMIT=5\n');
    const { values } = await ensureDevVars(path, WORKER_DEV_VARS);
    expect(values.REGISTRATION_RATE_LIMIT).toBe('5');

    const production = loadConfig({
      SIGNING_KEYS: values.SIGNING_KEYS,
      REGISTRATION_TOKEN: values.REGISTRATION_TOKEN,
    } as unknown as Bindings);
    expect(production.registrationRateLimit.limit).toBe(20);
    expect(production.registrationMaxClientsPerRegistrant).toBe(50);
    expect(production.signupRateLimit.limit).toBe(10);
  });
});
