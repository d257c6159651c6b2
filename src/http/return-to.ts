// Where to send the browser after login or sign-up: a path on this origin only, never an open redirect
// (RFC 9700 §4.11). Anything else falls back to the account page.

export const DEFAULT_RETURN_TO = '/account';
const MAX_RETURN_TO_LENGTH = 2048;
const PROBE_ORIGIN = 'https://portcullis.invalid';

/** `value`, normalised, if it is a same-origin path (`/x?y`), else DEFAULT_RETURN_TO. Idempotent. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !isPlainPath(value)) return DEFAULT_RETURN_TO;
  const url = new URL(value, PROBE_ORIGIN);
  if (url.origin !== PROBE_ORIGIN) return DEFAULT_RETURN_TO;
  // Decided on what is emitted, not on the input: dot segments are resolved by the parser, so `/.//evil.example/`
  // comes out as `//evil.example/`, protocol-relative, which must fail the same check.
  const normalized = `${url.pathname}${url.search}${url.hash}`;
  return isPlainPath(normalized) ? normalized : DEFAULT_RETURN_TO;
}

// A path browsers cannot read as another origin: `//host` and `/\host` are protocol-relative, and control characters
// are stripped by URL parsers, which could turn `/\t/host` into `//host`. None of them is a path anyone needs.
function isPlainPath(value: string): boolean {
  return (
    value.length <= MAX_RETURN_TO_LENGTH &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !/[\\\u0000-\u001f\u007f]/.test(value)
  );
}

/** The login page that returns to `returnTo` afterwards. */
export function loginUrl(returnTo: string): string {
  return `/login?return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
