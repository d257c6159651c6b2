// What the bench knows of a server it started: where it listens, which processes' CPU is its own, how to stop it,
// and, for a Worker wrapped by bench/workers/storage-meter.ts, how many storage round trips it has made.

export interface Server {
  name: string;
  url: string;
  pids: number[];
  /** Requests and storage round trips served so far, for a Worker wrapped by bench/workers/storage-meter.ts. */
  roundTrips?: () => Promise<RoundTripCount>;
  dispose(): Promise<void>;
}

export interface RoundTripCount {
  requests: number;
  inFlight: number;
  roundTrips: number;
}

/** Reads a metered Worker's counters (bench/workers/storage-meter.ts). */
export function withRoundTrips<S extends Server>(server: S): S {
  return {
    ...server,
    roundTrips: async () => (await (await fetch(`${server.url}/__bench/round-trips`)).json()) as RoundTripCount,
  };
}
