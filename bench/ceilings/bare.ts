// Ceiling: the cheapest Hono route workerd serves, the anchor for JWKS and discovery (issue 5, goal 3).
import { Hono } from 'hono';
import { metered } from '../workers/storage-meter';

const app = new Hono().get('/', (c) => c.text('hello'));

// Served through the same meter wrapper as Portcullis, so the ratio does not count the wrapper against it.
export default metered(app as unknown as ExportedHandler<Record<string, unknown>>, []);
