// The end-to-end tests (test/e2e/): in Node, not workerd, against running servers. The browser files start the Worker
// with `wrangler dev` on a free loopback port and drive Debian's Chromium (/usr/bin/chromium) with playwright-core;
// the interop files run client libraries against it; resource-service runs two Workers in workerd. The global setup
// packs the verifier and installs the examples. A project of vitest.config.ts, so `npm test` runs them;
// `npx vitest run --project e2e` runs them alone.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['./test/e2e/global-setup.ts'],
    // One server-starting file at a time: each runs wrangler dev or workerd, and the machine has two cores.
    fileParallelism: false,
    // Starting wrangler dev and Chromium takes seconds, more on a busy two-core machine.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
