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
