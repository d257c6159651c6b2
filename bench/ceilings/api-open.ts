// The sample API's list read, and a no-work route, without a guard: the anchors of the verifier targets (goal 2).
import { Hono } from 'hono';
import { listUnicorns, ping, type ApiBindings } from './unicorns-route';

export default new Hono<{ Bindings: ApiBindings }>().get('/api/unicorns', listUnicorns).get('/api/ping', ping);
