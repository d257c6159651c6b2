// Redirect targets that cannot make a response throw: a Location header may carry only visible ASCII, so anything
// else (a line break in a stored URI, a space, non-ASCII) is percent-encoded instead of raising "Invalid header value".
import { percentEscape } from '../oauth/percent-escape';

const NOT_VISIBLE_ASCII = /[^\x21-\x7e]/gu;

/** `uri` with every character outside %x21-7E percent-encoded as UTF-8 (a lone surrogate as U+FFFD). */
export function headerSafeLocation(uri: string): string {
  return percentEscape(uri, NOT_VISIBLE_ASCII);
}
