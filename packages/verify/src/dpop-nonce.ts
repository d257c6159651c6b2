// Stateless DPoP server nonces (RFC 9449 §8, §9): a nonce names a time window and carries an HMAC of it, so any
// isolate holding the secret issues and checks them without storage. The current and the previous window are
// accepted, so a nonce stays usable for one to two windows.
import { base64url } from 'jose';
import type { DPoPNonceSource } from './dpop.js';

/** How long one nonce window lasts by default. */
export const DPOP_NONCE_WINDOW_SECONDS = 300;

const encoder = new TextEncoder();

export function createDPoPNonces(secret: string, windowSeconds: number = DPOP_NONCE_WINDOW_SECONDS): DPoPNonceSource {
  if (secret.length < 16) throw new TypeError('the DPoP nonce secret must have at least 16 characters');
  // Imported on first use and kept as a finished value: Workers forbid awaiting a promise another request made.
  let imported: CryptoKey | undefined;
  const hmacKey = async () =>
    (imported ??= await crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ));
  const windowNow = () => Math.floor(Date.now() / 1000 / windowSeconds);
  const message = (window: number) => encoder.encode(`dpop-nonce.${window}`);
  const nonceFor = async (window: number) => {
    const mac = await crypto.subtle.sign('HMAC', await hmacKey(), message(window));
    return `${window.toString(36)}.${base64url.encode(new Uint8Array(mac))}`;
  };
  return {
    current: () => nonceFor(windowNow()),
    async accepts(nonce) {
      const [windowPart = '', macPart = '', ...rest] = nonce.split('.');
      const window = Number.parseInt(windowPart, 36);
      const now = windowNow();
      if (rest.length > 0 || (window !== now && window !== now - 1)) return false;
      let mac: Uint8Array<ArrayBuffer>;
      try {
        mac = new Uint8Array(base64url.decode(macPart));
      } catch {
        return false;
      }
      // crypto.subtle.verify compares in constant time.
      return crypto.subtle.verify('HMAC', await hmacKey(), mac, message(window));
    },
  };
}
