// The soak's short profile (test/soak/): in Node, not workerd. It builds the production bundle, serves it on workerd
// with a local D1 and drives mixed traffic for a few seconds (scripts/lib/soak/). A project of vitest.config.ts, so
// `npm test` runs it; `npm run soak -- --seconds N` is the long profile.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'soak',
    environment: 'node',
    include: ['test/soak/**/*.test.ts'],
    // wrangler's dry-run build and workerd's start take seconds, more on a busy two-core machine.
    testTimeout: 180_000,
  },
});
