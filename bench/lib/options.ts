// Command-line options of `npm run bench [-- --quick] [--wrangler-dev] [--only REGEX] ...` and the two profiles.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  profile: 'full' | 'quick';
  /** Seconds of each measured run; every target gets the same. */
  durationSeconds: number;
  /** Seconds of one unrecorded run per target before round 1 (JIT, caches, connections); 0 for none. */
  warmupSeconds: number;
  /** Measured runs per target, interleaved round by round (A B C, A B C, ...); figures are their medians. */
  rounds: number;
  /** Concurrent connections of every run except the one-connection latency targets. */
  connections: number;
  /** Also run Portcullis under `wrangler dev` (its proxy and inspector in front) for a few targets. */
  wranglerDev: boolean;
  /** Send requests through Miniflare's entry Worker, the setup of issue 5's quoted anchors. */
  viaEntryWorker: boolean;
  /** Only targets whose id matches (anchors of the matched targets are added). */
  only: RegExp | undefined;
  /** Keep the temp directory (bundles, D1 files) for inspection. */
  keepTemp: boolean;
  /**
   * Simulated distance to the database: every storage round trip (D1, the peers' KV) waits this long first, as
   * from an edge location far from D1's primary. 0: none. Runs the distant-user targets only, unless --only says.
   */
  d1LatencyMs: number;
  /** CPU-profile Portcullis in workerd while each of its targets runs, and rank its functions (bench/lib/cpu-profile.ts). */
  cpuProfile: boolean;
}

// The anchors were measured with wrk -t1 -c10 -d10s, median of 3.
const FULL = { durationSeconds: 10, warmupSeconds: 2, rounds: 3, connections: 10 };
// Three seconds per target, under two minutes for everything on the 2-core machine. autocannon stops on its
// one-second sampling tick, so runs are whole seconds; no warm-up run: the median of three drops a cold first round.
const QUICK = { durationSeconds: 1, warmupSeconds: 0, rounds: 3, connections: 10 };

const USAGE = `Usage: npm run bench -- [--quick] [--d1-latency-ms MS] [--wrangler-dev] [--miniflare-entry] [--only REGEX] [--profile] [--duration S] [--rounds N] [--connections N] [--keep]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'wrangler-dev': { type: 'boolean', default: false },
      'miniflare-entry': { type: 'boolean', default: false },
      only: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'd1-latency-ms': { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const profile = values.quick ? QUICK : FULL;
  return {
    profile: values.quick ? 'quick' : 'full',
    durationSeconds: positive('duration', values.duration, profile.durationSeconds),
    warmupSeconds: profile.warmupSeconds,
    rounds: Math.round(positive('rounds', values.rounds, profile.rounds)),
    // At a distance, what one user waits for: one connection, so local queueing at the one local D1 adds nothing.
    connections: Math.round(
      positive('connections', values.connections, values['d1-latency-ms'] === undefined ? profile.connections : 1),
    ),
    wranglerDev: values['wrangler-dev'],
    viaEntryWorker: values['miniflare-entry'],
    only: values.only === undefined ? undefined : new RegExp(values.only),
    keepTemp: values.keep,
    d1LatencyMs: values['d1-latency-ms'] === undefined ? 0 : positive('d1-latency-ms', values['d1-latency-ms'], 0),
    cpuProfile: values.profile,
  };
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!(parsed > 0)) throw new Error(`--${name} must be a positive number, got "${value}"\n${USAGE}`);
  return parsed;
}
