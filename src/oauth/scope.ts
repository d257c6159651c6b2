// Scope parsing and narrowing (RFC 6749 §3.3): a space-delimited list of NQCHAR tokens, order-insensitive.
import { OAuthError } from './errors';

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const scopes = value.split(' ').filter((scope) => scope !== '');
  if (scopes.length === 0 || !scopes.every((scope) => SCOPE_TOKEN.test(scope))) {
    throw new OAuthError('invalid_scope', 'scope must be a space-separated list of scope tokens');
  }
  return [...new Set(scopes)];
}

/**
 * The scopes to grant: those requested, if all are allowed, else `invalid_scope`; with no request, every allowed
 * scope (the pre-defined default RFC 6749 §3.3 lets the server choose).
 */
export function narrowScope(requested: string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const refused = requested.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', `the client may not request: ${refused.join(' ')}`);
  }
  return requested;
}
