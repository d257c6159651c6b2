// The package's own tests, in Node: they import `@portcullis/verify` by its package name, which resolves through the
// exports map to the built dist/ (run `npm run build` first; the root `npm test` does), never to src/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'verify',
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
