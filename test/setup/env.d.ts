// The bindings the tests see: the Worker's own plus the migrations vitest.config.ts reads.
import type { D1Migration } from 'cloudflare:test';
import type { Bindings } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** The fuzzer's long profile (scripts/fuzz.ts): how many requests, and the seed; empty in `npm test`. */
      FUZZ_RUNS: string;
      FUZZ_SEED: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../../src/index');
    }
  }
}
