// The sample API's list read without a guard: the anchor for the verifier targets (issue 5, goal 2).
import { Hono } from 'hono';
import { listUnicorns, type ApiBindings } from './unicorns-route';

export default new Hono<{ Bindings: ApiBindings }>().get('/api/unicorns', listUnicorns);
