// One Drizzle instance per D1 binding, reused for the isolate's lifetime instead of rebuilt per request.
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Database = DrizzleD1Database<typeof schema>;

const databases = new WeakMap<D1Database, Database>();

export function databaseFor(binding: D1Database): Database {
  let database = databases.get(binding);
  if (!database) {
    database = drizzle(binding, { schema });
    databases.set(binding, database);
  }
  return database;
}
