// Percent-encoding (RFC 3986 §2.1) of the characters a context does not allow, as UTF-8 bytes: for error
// descriptions (RFC 6749 §5.2) and Location headers, so text from a request stays readable but inert.
const UTF8 = new TextEncoder();

/** `text` with each character matched by `disallowed` (a global, unicode regex) percent-encoded as UTF-8. */
export function percentEscape(text: string, disallowed: RegExp): string {
  // TextEncoder turns a lone surrogate into U+FFFD, so no input can make this throw (encodeURIComponent would).
  return text.replace(disallowed, (character) =>
    Array.from(UTF8.encode(character), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
