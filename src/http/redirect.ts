// Redirect targets that cannot make a response throw: a Location header may carry only visible ASCII, so anything
// else (a line break in a stored URI, a space, non-ASCII) is percent-encoded instead of raising "Invalid header value".
const NOT_VISIBLE_ASCII = /[^\x21-\x7e]/gu;
const UTF8 = new TextEncoder();

/** `uri` with every character outside %x21-7E percent-encoded as UTF-8 (a lone surrogate as U+FFFD). */
export function headerSafeLocation(uri: string): string {
  return uri.replace(NOT_VISIBLE_ASCII, (character) =>
    Array.from(UTF8.encode(character), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
