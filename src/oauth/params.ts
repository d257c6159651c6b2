// The request parameters a protocol function reads, parsed by http/form.ts (RFC 6749 §3.1, §3.2).
import { OAuthError } from './errors';

export interface RequestParams {
  /** The single value of a parameter, or undefined when absent or empty (RFC 6749 §3.1). */
  get(name: string): string | undefined;
  /** Every value of a parameter that may repeat (RFC 8707 `resource`). */
  getAll(name: string): string[];
}

export function requireParam(params: RequestParams, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`);
  return value;
}

/** Parameters from name/value pairs the server itself produced or verified (a stored pushed request, a request object). */
export function paramsFromEntries(entries: Iterable<[string, string]>): RequestParams {
  const values = new Map<string, string[]>();
  for (const [name, value] of entries) {
    if (value !== '') values.set(name, [...(values.get(name) ?? []), value]);
  }
  return {
    get: (name) => values.get(name)?.[0],
    getAll: (name) => values.get(name) ?? [],
  };
}

/** The same parameters with `name` set to `value` (replacing any). */
export function withParam(params: RequestParams, name: string, value: string): RequestParams {
  return {
    get: (asked) => (asked === name ? value : params.get(asked)),
    getAll: (asked) => (asked === name ? [value] : params.getAll(asked)),
  };
}
