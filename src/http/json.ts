// Reads JSON request bodies strictly: the application/json media type, valid UTF-8 (RFC 8259 §8.1) and valid JSON,
// and validates what was read with valibot. Every failure is a 400 invalid_request naming the problem, never a 500.
import type { Context } from 'hono';
import * as v from 'valibot';
import { OAuthError } from '../oauth/errors';
import { decodeUtf8 } from './form';
import { isJsonRequest } from './media-type';

/** The parsed body, of any JSON type; the caller checks its shape (RFC 7591 registration has its own error code). */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonRequest(c)) throw new OAuthError('invalid_request', 'the request body must be application/json');
  const text = decodeUtf8(await c.req.arrayBuffer());
  try {
    return JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_request', 'the request body is not valid JSON');
  }
}

/** The body, which must be a JSON object: an array, a string, a number or null is the client's error. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Parses a value (a JSON body, a query) with a valibot schema, or throws invalid_request naming the first problem. */
export function parseInput<const Schema extends v.GenericSchema>(
  schema: Schema,
  input: unknown,
): v.InferOutput<Schema> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (!result.success) throw new OAuthError('invalid_request', result.issues[0].message);
  return result.output;
}
