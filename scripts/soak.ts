// `npm run soak -- --seconds N [--concurrency C]`: N seconds (default 60) of mixed traffic against the production
// bundle served locally (scripts/lib/soak/), then an audit of the token state in D1. Exits non-zero on any error,
// lost or duplicated token state: zero is the bar.
import { parseArgs } from 'node:util';
import { formatSoakReport, runSoak } from './lib/soak/run';

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, concurrency: { type: 'string' } },
  strict: true,
});
const seconds = Number(values.seconds ?? 60);
const concurrency = Number(values.concurrency ?? 8);
if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: npm run soak -- [--seconds N] [--concurrency C]');
  process.exit(2);
}

const report = await runSoak({ seconds, concurrency });
console.log(formatSoakReport(report));
process.exit(report.errors.length + report.lost.length + report.duplicated.length === 0 ? 0 : 1);
