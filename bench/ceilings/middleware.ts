// Ceiling: the bare route behind the global middleware src/app.ts puts in front of every endpoint but discovery and
// the JWKS (security headers with the same options, body limit), so the cost of that stack can be told apart from
// what the endpoints themselves do.
import { Hono } from 'hono';
import { metered } from '../workers/storage-meter';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../../src/http/middleware/body-limit';
import { securityHeaders } from '../../src/http/middleware/security-headers';

const app = new Hono()
  .use(securityHeaders())
  .use(bodyLimit({ maxSize: MAX_BODY_BYTES }))
  .get('/', (c) => c.text('hello'));

// Served through the same meter wrapper as Portcullis, so the ratio does not count the wrapper against it.
export default metered(app as unknown as ExportedHandler<Record<string, unknown>>, []);
