// Parses application/x-www-form-urlencoded bodies strictly (RFC 6749 §3.2, Appendix B): the right content type,
// valid UTF-8 and percent-encoding, and no repeated parameter (§3.1) except those allowed to repeat.
import type { Context } from 'hono';
import { OAuthError } from '../oauth/errors';
import type { RequestParams } from '../oauth/params';
import type { AppEnv } from './context';
import { isFormRequest } from './media-type';

/** Parameters that may be sent more than once (RFC 8707 §2 `resource`). */
const REPEATABLE = new Set(['resource']);

export async function readForm(c: Context<AppEnv>): Promise<RequestParams> {
  const cached = c.get('params');
  if (cached) return cached;
  if (!isFormRequest(c)) {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
  const params = parseFormBody(decodeUtf8(await c.req.arrayBuffer()));
  c.set('params', params);
  return params;
}

export function parseFormBody(body: string): RequestParams {
  const values = new Map<string, string[]>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decodeComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : decodeComponent(pair.slice(separator + 1));
    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    if (value === '') continue;
    const existing = values.get(name);
    if (existing && !REPEATABLE.has(name)) {
      throw new OAuthError('invalid_request', `parameter ${name} must not be repeated`);
    }
    values.set(name, existing ? [...existing, value] : [value]);
  }
  return {
    get: (name) => values.get(name)?.[0],
    getAll: (name) => values.get(name) ?? [],
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes bytes that must be UTF-8; anything else is the client's error, not ours. */
export function decodeUtf8(body: ArrayBuffer | Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new OAuthError('invalid_request', 'the request body is not valid UTF-8');
  }
}

function decodeComponent(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    throw new OAuthError('invalid_request', 'the request body is not valid UTF-8 form encoding');
  }
}
