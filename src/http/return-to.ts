// Where to send the browser after login or sign-up: a path on this origin only, never an open redirect
// (RFC 9700 §4.11). Anything else falls back to the account page.

export const DEFAULT_RETURN_TO = '/account';
const MAX_RETURN_TO_LENGTH = 2048;
const PROBE_ORIGIN = 'https://portcullis.invalid';

/** `value` if it is a same-origin path (`/x?y`), else DEFAULT_RETURN_TO. */
export function safeReturnTo(value: string | undefined): string {
  // `//host` and `/\host` are protocol-relative in browsers; control characters are stripped by URL parsers, which
  // could turn `/\t/host` into `//host`. None of them is a path anyone needs.
  if (!value || value.length > MAX_RETURN_TO_LENGTH || !value.startsWith('/') || value.startsWith('//'))
    return DEFAULT_RETURN_TO;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;
  const url = new URL(value, PROBE_ORIGIN);
  return url.origin === PROBE_ORIGIN ? `${url.pathname}${url.search}${url.hash}` : DEFAULT_RETURN_TO;
}

/** The login page that returns to `returnTo` afterwards. */
export function loginUrl(returnTo: string): string {
  return `/login?return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
