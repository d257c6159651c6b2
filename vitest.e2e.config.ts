// The real-browser tests (test/e2e/): in Node, not workerd. Each file starts the Worker with `wrangler dev` on a free
// loopback port and drives Debian's Chromium (/usr/bin/chromium) with playwright-core. A project of vitest.config.ts,
// so `npm test` runs them; `npx vitest run -c vitest.e2e.config.ts` runs them alone.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    // Starting wrangler dev and Chromium takes seconds, more on a busy two-core machine.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
