// `npm run bench:profile`: V8 CPU profiles of the Worker inside workerd, taken through its inspector with the Chrome
// DevTools Protocol (Profiler.start/stop over the inspector's WebSocket) while a target's load runs, and ranked by
// function, per request served. The bundle is built unminified for it, so functions keep their names, and each is
// placed in its source module by the `// src/…` markers esbuild writes between modules.
import { readFileSync } from 'node:fs';

/** CDP's Profiler.Profile (the fields used here). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  /** Samples the Worker while `work` runs. */
  record<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }>;
  close(): void;
}

/** Sampling every 50 µs: a 300 µs request gets a few samples, and the overhead stays well under the request's cost. */
const SAMPLING_INTERVAL_MICROS = 50;

/** Connects to the first Worker that workerd's inspector lists (`inspectorUrl` is its ws:// base). */
export async function connectProfiler(inspectorUrl: string): Promise<Profiler> {
  const base = new URL(inspectorUrl);
  const targets = (await (await fetch(`http://${base.host}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0];
  if (!target) throw new Error(`workerd's inspector at ${base.host} lists no Worker`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot open the inspector WebSocket')), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS });
  return {
    async record(work) {
      await send('Profiler.start');
      const outcome = await work().then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile };
      if ('error' in outcome) throw outcome.error;
      return { result: outcome.result, profile };
    },
    close: () => socket.close(),
  };
}

export interface FunctionCost {
  /** `name (module:line)`, the line in the unminified bundle. */
  name: string;
  selfMicrosPerRequest: number;
  totalMicrosPerRequest: number;
}

export interface ProfileSummary {
  requests: number;
  /** Sampled time not idle, per request: close to the CPU µs/req of the same run, plus the profiler's own cost. */
  busyMicrosPerRequest: number;
  functions: FunctionCost[];
}

const IDLE = '(idle)';

/**
 * Self time (the function's own code and the native calls it makes) and total time (with its callees, counted once
 * per sample however deep the recursion) of every function, over several profiles of one target.
 */
export function summarizeProfiles(profiles: CpuProfile[], requests: number, bundlePath: string): ProfileSummary {
  const moduleAt = bundleModules(bundlePath);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const label = (id: number) => {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const name = functionName || '(anonymous)';
      if (!url) return name;
      const where =
        url === 'index.js' || url.endsWith('/index.js')
          ? `${moduleAt(lineNumber)}:${lineNumber + 1}`
          : url.split('/').pop();
      return `${name} (${where})`;
    };
    profile.samples.forEach((id, index) => {
      const micros = profile.timeDeltas[index + 1] ?? 0;
      const own = label(id);
      if (own === IDLE) return;
      busy += micros;
      self.set(own, (self.get(own) ?? 0) + micros);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const name = label(at);
        if (seen.has(name)) continue;
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + micros);
      }
    });
  }
  const perRequest = (micros: number) => micros / Math.max(requests, 1);
  return {
    requests,
    busyMicrosPerRequest: perRequest(busy),
    functions: [...self.keys(), ...[...total.keys()].filter((name) => !self.has(name))].map((name) => ({
      name,
      selfMicrosPerRequest: perRequest(self.get(name) ?? 0),
      totalMicrosPerRequest: perRequest(total.get(name) ?? 0),
    })),
  };
}

/** The top functions by self time and by total time, as two Markdown tables. */
export function profileReport(targetId: string, summary: ProfileSummary, top: number): string {
  const row = (cost: FunctionCost) =>
    `| \`${cost.name.replaceAll('|', '\\|')}\` | ${cost.selfMicrosPerRequest.toFixed(1)} | ${cost.totalMicrosPerRequest.toFixed(1)} |`;
  const table = (title: string, key: keyof Omit<FunctionCost, 'name'>) =>
    [
      `**${targetId}, top ${top} by ${title}** (${summary.requests} requests, ${summary.busyMicrosPerRequest.toFixed(0)} µs sampled busy per request)`,
      '',
      '| Function (module:line in the unminified bundle) | self µs/req | total µs/req |',
      '| --- | --- | --- |',
      ...[...summary.functions]
        .sort((a, b) => b[key] - a[key])
        .slice(0, top)
        .map(row),
    ].join('\n');
  return `${table('self time', 'selfMicrosPerRequest')}\n\n${table('total time', 'totalMicrosPerRequest')}`;
}

/** Maps a 0-based line of the unminified bundle to the source module esbuild marked above it. */
function bundleModules(bundlePath: string): (line: number) => string {
  const markers: { line: number; module: string }[] = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const marker = /^\/\/ ((?:src|node_modules|packages)\/\S+)$/.exec(text);
      if (marker) markers.push({ line, module: marker[1]!.replace(/^node_modules\//, '') });
    });
  return (line) => {
    let found = 'index.js';
    for (const marker of markers) {
      if (marker.line > line) break;
      found = marker.module;
    }
    return found;
  };
}
