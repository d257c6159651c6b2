// Ceiling: Hono plus one D1 select by primary key (the clients row the token endpoint reads when its cache is cold),
// the anchor for a cold client_credentials request (issue 5, goal 1).
import { Hono } from 'hono';

type Env = { Bindings: { DB: D1Database; CLIENT_ID: string } };

export default new Hono<Env>().get('/', async (c) => {
  const row = await c.env.DB.prepare('SELECT * FROM clients WHERE id = ?1').bind(c.env.CLIENT_ID).first();
  return row ? c.json(row) : c.notFound();
});
