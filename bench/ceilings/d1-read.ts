// Ceiling: Hono plus one D1 select by primary key (the clients row the token endpoint reads when its cache is cold),
// the anchor for a cold client_credentials request and for the one-round-trip grants. Its D1 is metered like
// Portcullis's (bench/workers/storage-meter.ts), so the round trip is counted and, with --d1-latency-ms, delayed.
import { Hono } from 'hono';
import { metered } from '../workers/storage-meter';

type Env = { Bindings: { DB: D1Database; CLIENT_ID: string } };

const app = new Hono<Env>().get('/', async (c) => {
  const row = await c.env.DB.prepare('SELECT * FROM clients WHERE id = ?1').bind(c.env.CLIENT_ID).first();
  return row ? c.json(row) : c.notFound();
});

export default metered(app as unknown as ExportedHandler<Record<string, unknown>>, ['DB']);
