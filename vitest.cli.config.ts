// The admin command line's tests (test/cli/) run in plain Node, not workerd: the CLI is a Node program that reaches
// D1 through wrangler's getPlatformProxy. Each file migrates its own temporary local D1 (test/cli/admin-harness.ts).
// A project of vitest.config.ts, so `npm test` runs them; `npx vitest run --project cli` runs them alone.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cli',
    include: ['test/cli/**/*.test.ts'],
    environment: 'node',
    // Each command starts a local workerd for its D1 (about half a second); the migrations take a few seconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
