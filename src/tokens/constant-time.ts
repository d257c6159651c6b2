// Constant-time equality for secrets (hashes, PKCE challenges, CSRF tokens, password hashes), so a comparison leaks
// nothing through timing. Workers have crypto.subtle.timingSafeEqual; Node, which runs the dev and admin scripts
// that share this code, does not, and there an XOR fold over every byte stands in.
const encoder = new TextEncoder();

type SubtleWithTimingSafeEqual = SubtleCrypto & {
  timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean;
};

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const subtle = crypto.subtle as SubtleWithTimingSafeEqual;
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(a, b);
  let difference = 0;
  for (let index = 0; index < a.byteLength; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

/** Equal-length strings are compared without early exit; a length difference is not secret here (fixed-size hashes). */
export function stringsEqual(a: string, b: string): boolean {
  return bytesEqual(encoder.encode(a), encoder.encode(b));
}
