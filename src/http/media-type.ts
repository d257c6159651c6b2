// The media type of a request body, without parameters, for endpoints that answer both forms and JSON.
import type { Context } from 'hono';

export function isJsonRequest(c: Context): boolean {
  return mediaType(c) === 'application/json';
}

export function isFormRequest(c: Context): boolean {
  return mediaType(c) === 'application/x-www-form-urlencoded';
}

function mediaType(c: Context): string | undefined {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
}
