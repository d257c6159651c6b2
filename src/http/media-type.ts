// The media type of a request body, without parameters, for endpoints that answer both forms and JSON.
import type { Context } from 'hono';

export function isJsonRequest(c: Context): boolean {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
