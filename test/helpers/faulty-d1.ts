// A D1 binding that fails on purpose: it counts the calls that reach the database (a statement's run, all, first or
// raw, a batch, an exec) and throws on the chosen one, as a lost connection or an overloaded D1 would, before the
// call is made. For the fault-injection tests and for logs captured on a failure.

export class InjectedD1Failure extends Error {
  constructor(call: number, what: string) {
    super(`injected D1 failure at call ${call} (${what})`);
    this.name = 'InjectedD1Failure';
  }
}

export interface FaultyD1 {
  binding: D1Database;
  /** Calls made so far (counting the failed one). */
  readonly calls: number;
  /** Fail the `call`-th call from now on (1-based); 0 fails none. */
  failAt(call: number): void;
}

export function faultyD1(real: D1Database): FaultyD1 {
  let calls = 0;
  let failing = 0;
  const originals = new WeakMap<object, D1PreparedStatement>();
  const reach = (what: string) => {
    calls += 1;
    if (calls === failing) throw new InjectedD1Failure(calls, what);
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapper = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: async (column?: string) => {
        reach('first');
        return column === undefined ? statement.first() : statement.first(column);
      },
      run: async () => {
        reach('run');
        return statement.run();
      },
      all: async () => {
        reach('all');
        return statement.all();
      },
      raw: async (options?: { columnNames?: boolean }) => {
        reach('raw');
        return statement.raw(options as { columnNames: true });
      },
    } as unknown as D1PreparedStatement;
    originals.set(wrapper, statement);
    return wrapper;
  };
  const binding = {
    prepare: (query: string) => wrap(real.prepare(query)),
    batch: async (statements: D1PreparedStatement[]) => {
      reach('batch');
      return real.batch(statements.map((statement) => originals.get(statement) ?? statement));
    },
    exec: async (query: string) => {
      reach('exec');
      return real.exec(query);
    },
    dump: () => real.dump(),
    withSession: () => binding,
  } as unknown as D1Database;
  return {
    binding,
    get calls() {
      return calls;
    },
    failAt(call) {
      calls = 0;
      failing = call;
    },
  };
}
