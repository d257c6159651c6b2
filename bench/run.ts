// `npm run bench [-- --quick]`: the side-by-side benchmark of issue 5. Starts Portcullis (production bundle in
// workerd), node-oidc-provider and the ceiling Workers on loopback ports, drives every target with autocannon at
// the same connections and duration, interleaving targets round by round, and prints one Markdown table of medians
// with ratios to each target's anchor; the raw runs go to bench/results/. Every run is bounded and stops by itself.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectProfiler, type CpuProfile, profileReport, type Profiler, summarizeProfiles } from './lib/cpu-profile';
import { startEnvironment, type Environment } from './lib/environment';
import { runLoad, type RunResult } from './lib/load';
import { parseOptions } from './lib/options';
import { judgeGoals, markdownReport, summarize, type TargetSummary } from './lib/report';
import { clientAuthTargets } from './lib/client-auth-targets';
import { dpopTargets } from './lib/dpop-targets';
import { grantTargets } from './lib/grant-targets';
import { userTargets } from './lib/user-targets';
import { defineTargets, type Target } from './lib/targets';

/** Sizes never-seen-credential pools before a target's rate is known. */
const FIRST_GUESS_REQUESTS_PER_SECOND = 4000;
const POOL_HEADROOM = 3;
/** Functions listed per profiled target, by self time and by total time. */
const PROFILE_TOP_FUNCTIONS = 25;

const options = parseOptions(process.argv.slice(2));
const workDir = mkdtempSync(join(memoryBackedTmpdir(), 'portcullis-bench-'));
const startedAt = Date.now();
const log = (line: string) =>
  console.error(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);
let environment: Environment | undefined;
let profiler: Profiler | undefined;

async function shutdown(): Promise<void> {
  profiler?.close();
  await environment?.dispose();
  environment = undefined;
  if (!options.keepTemp) rmSync(workDir, { recursive: true, force: true });
}

process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));

try {
  const loadBefore = loadavg();
  environment = await startEnvironment(workDir, { ...options, storageLatencyMs: options.d1LatencyMs }, log);
  const targets = selectTargets([
    ...defineTargets(environment),
    ...grantTargets(environment, options.d1LatencyMs),
    ...userTargets(environment),
    ...clientAuthTargets(environment),
    ...dpopTargets(environment),
  ]);
  const plannedSeconds = targets.length * (options.warmupSeconds + options.rounds * options.durationSeconds);
  log(
    `${targets.length} targets × ${options.rounds} rounds × ${options.durationSeconds} s at ${options.connections} connections (≈ ${Math.round(plannedSeconds)} s of load)`,
  );
  // A hard bound on the whole run: twice the plan plus start-up, then stop whatever is left.
  setTimeout(
    () => {
      log('over its time limit: stopping');
      void shutdown().finally(() => process.exit(3));
    },
    (plannedSeconds * 2 + 120) * 1000,
  ).unref();

  // --profile: every measured run of a target Portcullis serves is sampled by workerd's profiler.
  if (environment.portcullisInspectorUrl) profiler = await connectProfiler(environment.portcullisInspectorUrl);
  const profiles = new Map<string, { profiles: CpuProfile[]; responses: number }>();
  const runs = new Map<string, RunResult[]>(targets.map((target) => [target.id, []]));
  const wrapped = new Set<string>();
  // The highest rate seen per target (warm-up included), to size the next run's credential pools: on a shared
  // machine a target's rate moves by several times between rounds, and a pool sized on a slow round wraps.
  const topRate = new Map<string, number>();
  const measure = async (target: Target, durationSeconds: number, profiled = false): Promise<RunResult> => {
    const previous = topRate.get(target.id) ?? FIRST_GUESS_REQUESTS_PER_SECOND;
    const connections = target.connections ?? options.connections;
    const preparing = Date.now();
    const shape = await target.requests({
      expectedRequests: Math.ceil(previous * durationSeconds * POOL_HEADROOM) + 100,
      connections,
    });
    if (shape.poolSize !== undefined)
      log(`${target.id}: ${shape.poolSize} credentials prepared in ${((Date.now() - preparing) / 1000).toFixed(1)} s`);
    const load = () => runLoad({ ...shape, connections, durationSeconds }, target.server);
    const result =
      profiled && profiler && target.server === environment!.portcullis
        ? await profiler.record(load).then(({ result, profile }) => {
            const kept = profiles.get(target.id) ?? { profiles: [], responses: 0 };
            profiles.set(target.id, {
              profiles: [...kept.profiles, profile],
              responses: kept.responses + result.responses,
            });
            return result;
          })
        : await load();
    if (shape.poolSize !== undefined && result.responses > shape.poolSize) wrapped.add(target.id);
    topRate.set(target.id, Math.max(topRate.get(target.id) ?? 0, result.requestsPerSecond));
    return result;
  };

  if (options.warmupSeconds > 0) for (const target of targets) await measure(target, options.warmupSeconds);
  wrapped.clear();
  for (let round = 1; round <= options.rounds; round++) {
    for (const target of targets) {
      const result = await measure(target, options.durationSeconds, true);
      runs.get(target.id)!.push(result);
      log(
        `round ${round} ${target.id}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, ${Math.round(result.cpuMicrosPerRequest)} µs CPU/req, ${result.failures} failures ${JSON.stringify(result.statusCodes)}`,
      );
    }
  }

  const summaries = targets.map((target) =>
    summarize(target, target.connections ?? options.connections, runs.get(target.id)!, wrapped.has(target.id)),
  );
  const byId = new Map<string, TargetSummary>(summaries.map((summary) => [summary.id, summary]));
  // At a distance only the distant-user goals mean anything: the others are judged by the run without delay.
  const goals = judgeGoals(targets, byId).filter(
    (goal) => options.d1LatencyMs === 0 || (goal.metric === 'p50' && goal.versus === undefined),
  );
  const loadAfter = loadavg();
  const conditions =
    `one run, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${options.profile} profile: ${options.rounds} rounds × ${options.durationSeconds} s, ${options.connections} connection${options.connections === 1 ? '' : 's'}, ` +
    (options.d1LatencyMs > 0 ? `every storage round trip delayed ${options.d1LatencyMs} ms, ` : '') +
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${loadBefore[0]!.toFixed(2)} before / ${loadAfter[0]!.toFixed(2)} after`;
  console.log(`${markdownReport(summaries, goals, environment.bundle.gzipKiB)}\n\n${conditions}`);
  if (profiler) {
    console.log(
      '\nWith --profile the bundle is unminified and sampled by the inspector: the figures above are not figures of record.',
    );
    for (const [id, { profiles: sampled, responses }] of profiles)
      console.log(
        `\n${profileReport(id, summarizeProfiles(sampled, responses, environment.bundle.scriptPath), PROFILE_TOP_FUNCTIONS)}`,
      );
  }

  mkdirSync(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-${options.profile}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        options: { ...options, only: options.only?.source },
        conditions,
        loadBefore,
        loadAfter,
        bundle: environment.bundle,
        summaries,
        goals,
      },
      null,
      2,
    ),
  );
  log(`raw results: ${file}`);
  for (const [id, { profiles: sampled }] of profiles) {
    // The last round's profile, for Chrome DevTools (Performance → Load profile) or any .cpuprofile viewer.
    const profileFile = file.replace(/\.json$/, `-${id}.cpuprofile`);
    writeFileSync(profileFile, JSON.stringify(sampled.at(-1)));
    log(`CPU profile of ${id}: ${profileFile}`);
  }
} finally {
  await shutdown();
}

/**
 * Local D1 commits every query with an fsync, even a read, so on a disk shared with other work its throughput
 * follows their I/O. A tmpfs temp directory (Linux /dev/shm) keeps the D1 files persisted but off that disk.
 */
function memoryBackedTmpdir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * --only keeps the matching targets and every target they are compared with; --d1-latency-ms without --only keeps
 * the targets a distant user waits for.
 */
function selectTargets(all: Target[]): Target[] {
  const chosen = options.only
    ? all.filter((target) => options.only!.test(target.id))
    : options.d1LatencyMs > 0
      ? all.filter((target) => target.distant)
      : all;
  const wanted = new Set(chosen.map((target) => target.id));
  // Anchors of anchors too: every ratio printed has both of its figures.
  for (let grew = true; grew; ) {
    const before = wanted.size;
    for (const target of all.filter((candidate) => wanted.has(candidate.id))) {
      if (target.anchor) wanted.add(target.anchor);
      for (const goal of target.goals ?? []) if (goal.versus) wanted.add(goal.versus);
    }
    grew = wanted.size > before;
  }
  return all.filter((target) => wanted.has(target.id));
}
