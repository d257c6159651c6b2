// The sample API's list read (GET /api/unicorns in src/api/unicorns.ts) with no guard in front: the same paging,
// store query and JSON, so the bench's guarded twins differ from it only by their guard. Plus GET /api/ping, no work.
import type { Context } from 'hono';
import { page } from '../../src/api/unicorn-input';
import { createUnicornStore } from '../../src/api/unicorn-store';
import { parseInput } from '../../src/http/json';
import { databaseFor } from '../../src/storage/db';

export type ApiBindings = { DB: D1Database; ISSUER: string; PUBLIC_JWKS: string };

/** The same guard in front of no work at all: isolates the guard's own cost from the D1 read. */
export function ping(c: Context): Response {
  return c.json({ ok: true });
}

export async function listUnicorns(c: Context<{ Bindings: ApiBindings }>): Promise<Response> {
  const { limit, offset } = parseInput(page, c.req.query());
  const rows = await createUnicornStore(databaseFor(c.env.DB)).list({ limit, offset });
  return c.json({
    unicorns: rows.map((row) => ({
      id: row.id,
      name: row.name,
      age: row.age,
      color: row.color,
      owner: row.ownerSub,
      created_at: row.createdAt,
    })),
  });
}
