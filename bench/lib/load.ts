// One measured run: autocannon drives a target for a fixed duration and connection count while the server's own
// CPU time is read from /proc before and after. Latencies are taken per response at sub-millisecond resolution
// (autocannon's histogram keeps whole milliseconds, too coarse at one connection).
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import type { RoundTripCount, Server } from './server';
import { totalCpuMicros } from './proc';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** For requests that must differ (fresh tokens, many clients, single-use credentials). */
  requests?: AutocannonRequest[];
  /** The status of a successful response when it is not 2xx (a login's 303). */
  successStatus?: number;
}

export interface RunResult {
  responses: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses other than 2xx (or `successStatus`), plus connection errors and timeouts. */
  failures: number;
  statusCodes: Record<string, number>;
  cpuMicrosPerRequest: number;
  /** Storage round trips per response (D1 queries and batches, KV calls); undefined for an unmetered server. */
  roundTripsPerRequest: number | undefined;
}

export async function runLoad(spec: LoadSpec, server: Server): Promise<RunResult> {
  const latencies: number[] = [];
  const roundTripsBefore = await server.roundTrips?.();
  const cpuBefore = totalCpuMicros(server.pids);
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    method: spec.method,
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.requests ? { requests: spec.requests } : {}),
    timeout: 10,
  });
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await instance;
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuMicros = totalCpuMicros(server.pids) - cpuBefore;
  const roundTripsAfter = await settledRoundTrips(server);

  latencies.sort((a, b) => a - b);
  const responses = latencies.length;
  return {
    responses,
    requestsPerSecond: responses / (result.duration > 0 ? result.duration : elapsedSeconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures: unsuccessful(result, spec.successStatus) + result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    cpuMicrosPerRequest: responses === 0 ? Number.NaN : cpuMicros / responses,
    roundTripsPerRequest:
      roundTripsBefore === undefined || roundTripsAfter === undefined
        ? undefined
        : (roundTripsAfter.roundTrips - roundTripsBefore.roundTrips) /
          (roundTripsAfter.requests - roundTripsBefore.requests),
  };
}

const SETTLE_TIMEOUT_MS = 15_000;
const SETTLE_POLL_MS = 50;

/** The server's counters once the requests still running when the load stopped have finished. */
async function settledRoundTrips(server: Server): Promise<RoundTripCount | undefined> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const count = await server.roundTrips?.();
    if (count === undefined || count.inFlight === 0 || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

function unsuccessful(result: AutocannonResult, successStatus: number | undefined): number {
  if (successStatus === undefined) return result.non2xx;
  const stats = Object.entries(result.statusCodeStats);
  return stats.reduce((sum, [code, { count }]) => (Number(code) === successStatus ? sum : sum + count), 0);
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
