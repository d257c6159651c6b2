// One Drizzle instance per D1 binding, reused for the isolate's lifetime instead of rebuilt per request, and one over
// a D1 session (read replication) for the reads that may come from a replica (docs/operations.md).
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

/** Drizzle over D1, with the binding itself (`$client`) for batches compiled once (compiled-batch.ts). */
export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database };

const databases = new WeakMap<D1Database, Database>();

export function databaseFor(binding: D1Database): Database {
  let database = databases.get(binding);
  if (!database) {
    database = drizzle(binding, { schema });
    databases.set(binding, database);
  }
  return database;
}

const replicaDatabases = new WeakMap<D1Database, Database>();

/**
 * Reads through the D1 Sessions API: `first-unconstrained` lets the first query go to the nearest replica, and the
 * session, kept for the isolate's lifetime, then never reads older data than it has already seen (D1's sequential
 * consistency within a session). Only for reads that tolerate a replica's lag; without read replication enabled
 * (or where the binding has no sessions, as in Node's platform proxy) it is the primary.
 */
export function replicaDatabaseFor(binding: D1Database): Database {
  let database = replicaDatabases.get(binding);
  if (!database) {
    database =
      typeof binding.withSession === 'function'
        ? // Drizzle's D1 driver needs only prepare() and batch(), which a session has.
          drizzle(binding.withSession('first-unconstrained') as unknown as D1Database, { schema })
        : databaseFor(binding);
    replicaDatabases.set(binding, database);
  }
  return database;
}
