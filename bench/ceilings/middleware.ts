// Ceiling: the bare route behind the global middleware src/app.ts puts in front of every endpoint (request id,
// security headers with the same CSP, body limit), so the JWKS and discovery gap to a bare route can be split
// into what that stack costs and what the endpoints themselves do.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { MAX_BODY_BYTES } from '../../src/app';

export default new Hono()
  .use(requestId())
  .use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }))
  .use(bodyLimit({ maxSize: MAX_BODY_BYTES }))
  .get('/', (c) => c.text('hello'));
