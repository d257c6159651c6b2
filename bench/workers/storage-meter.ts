// Wraps a bench Worker so that every storage round trip (a D1 query or batch, a KV call) is counted and, in the
// simulated-distance mode, delayed by BENCH_STORAGE_LATENCY_MS as a distant D1 primary would. The bench reads the
// counts (requests begun, requests still in flight, round trips) from GET /__bench/round-trips before each run and,
// once nothing is in flight, after it; batches count as one, as they are one round trip.
type Env = Record<string, unknown> & { BENCH_STORAGE_LATENCY_MS?: string };

const COUNT_PATH = '/__bench/round-trips';
let requests = 0;
let inFlight = 0;
let roundTrips = 0;

/** The Worker with its D1 and KV bindings (by name) metered; built once per isolate, so stores cached per binding stay warm. */
export function metered<E extends Env>(
  worker: ExportedHandler<E>,
  bindingNames: readonly string[],
): ExportedHandler<E> {
  // Keyed by the runtime's own objects, so whatever it hands each request, one metered binding serves them all.
  const meteredEnvs = new WeakMap<E, E>();
  const meteredBindings = new WeakMap<object, unknown>();
  const envFor = (env: E): E => {
    let wrapped = meteredEnvs.get(env);
    if (!wrapped) {
      const latencyMs = Number(env.BENCH_STORAGE_LATENCY_MS ?? 0);
      const bindings: Record<string, unknown> = { ...env };
      for (const name of bindingNames) {
        const binding = env[name] as object | undefined;
        if (binding === undefined) continue;
        if (!meteredBindings.has(binding)) meteredBindings.set(binding, meter(binding, latencyMs));
        bindings[name] = meteredBindings.get(binding);
      }
      wrapped = bindings as E;
      meteredEnvs.set(env, wrapped);
    }
    return wrapped;
  };
  return {
    ...worker,
    async fetch(request, env, ctx) {
      if (request.url.endsWith(COUNT_PATH)) return Response.json({ requests, inFlight, roundTrips });
      requests++;
      inFlight++;
      try {
        return await worker.fetch!(request, envFor(env), ctx);
      } finally {
        inFlight--;
      }
    },
  };
}

async function roundTrip<T>(latencyMs: number, call: () => Promise<T>): Promise<T> {
  roundTrips++;
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  return call();
}

function meter(binding: object, latencyMs: number): unknown {
  return 'prepare' in binding ? meterD1(binding as D1Database, latencyMs) : meterKv(binding as KVNamespace, latencyMs);
}

function meterD1(db: D1Database, latencyMs: number): D1Database {
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const statement = (real: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => statement(real.bind(...values)),
      first: (column?: string) => roundTrip(latencyMs, () => (column ? real.first(column) : real.first())),
      run: () => roundTrip(latencyMs, () => real.run()),
      all: () => roundTrip(latencyMs, () => real.all()),
      raw: (options?: { columnNames?: boolean }) =>
        roundTrip(latencyMs, () => real.raw(options as { columnNames: true }) as Promise<unknown[]>),
    } as unknown as D1PreparedStatement;
    unwrapped.set(wrapped, real);
    return wrapped;
  };
  return {
    prepare: (query: string) => statement(db.prepare(query)),
    batch: (statements: D1PreparedStatement[]) =>
      roundTrip(latencyMs, () => db.batch(statements.map((each) => unwrapped.get(each) ?? each))),
    exec: (query: string) => roundTrip(latencyMs, () => db.exec(query)),
    dump: () => roundTrip(latencyMs, () => db.dump()),
    // A read-replication session (storage/db.ts) is metered the same way: its queries are round trips too.
    withSession: (constraint?: string) => {
      const session = db.withSession(constraint as D1SessionConstraint);
      return {
        ...meterD1(session as unknown as D1Database, latencyMs),
        getBookmark: () => session.getBookmark(),
      };
    },
  } as unknown as D1Database;
}

function meterKv(kv: KVNamespace, latencyMs: number): KVNamespace {
  const call =
    (name: 'get' | 'getWithMetadata' | 'put' | 'delete' | 'list') =>
    (...args: unknown[]) =>
      roundTrip(latencyMs, () => (kv[name] as (...a: unknown[]) => Promise<unknown>).apply(kv, args));
  return {
    get: call('get'),
    getWithMetadata: call('getWithMetadata'),
    put: call('put'),
    delete: call('delete'),
    list: call('list'),
  } as unknown as KVNamespace;
}
