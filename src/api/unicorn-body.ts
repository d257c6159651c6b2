// The body of a unicorn write, as Django REST Framework's parsers take it: JSON, or an HTML form
// (application/x-www-form-urlencoded, what `curl -d` sends). Either way a plain object for the valibot schemas.
import type { Context } from 'hono';
import { decodeUtf8 } from '../http/form';
import { readJsonObject } from '../http/json';
import { isJsonRequest } from '../http/media-type';
import { OAuthError } from '../oauth/errors';

const FORM_TYPE = 'application/x-www-form-urlencoded';

export async function readUnicornBody(c: Context): Promise<Record<string, unknown>> {
  if (isJsonRequest(c)) return readJsonObject(c);
  if (c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== FORM_TYPE) {
    throw new OAuthError('invalid_request', `the request body must be application/json or ${FORM_TYPE}`);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(decodeUtf8(await c.req.arrayBuffer()))) {
    // A repeated field has no one meaning; refuse it rather than pick one.
    if (Object.hasOwn(fields, name)) throw new OAuthError('invalid_request', `${name} must not be repeated`);
    fields[name] = value;
  }
  return fields;
}
