// `npm run fuzz -- --runs N --seed S`: the fuzzer's long profile. Runs test/fuzz/ in workerd (the workers project)
// with N generated requests (default 5,000) from seed S (default: random, printed), so a failure can be replayed.
import { parseArgs } from 'node:util';
import { runTool } from './lib/process';

const DEFAULT_RUNS = 5000;

const { values } = parseArgs({
  options: { runs: { type: 'string' }, seed: { type: 'string' } },
  strict: true,
});
const runs = Number(values.runs ?? DEFAULT_RUNS);
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed S]   (N ≥ 1 and S integers)');
  process.exit(2);
}

console.log(`fuzzing with ${runs} requests, seed ${seed}`);
runTool('vitest', ['run', '--project', 'workers', 'test/fuzz/'], { FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) }, [
  'ignore',
  'inherit',
  'inherit',
]).catch(() => {
  console.error(`fuzzing failed; replay with: npm run fuzz -- --runs ${runs} --seed ${seed}`);
  process.exit(1);
});
