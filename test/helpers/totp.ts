// An RFC 6238 implementation of the tests' own (WebCrypto HMAC-SHA-1 and RFC 4226 §5.3 dynamic truncation), and
// base32 (RFC 4648 §6) for the keys the pages show: codes are computed from the page as an authenticator app would,
// independently of the library the server uses. Runs in workerd and in Node (the e2e tests).

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function decodeBase32(text: string): Uint8Array {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of text.replace(/=+$/, '').toUpperCase()) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value < 0) throw new Error(`not base32: ${text}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

/** TOTP(K, T) for the 30-second step containing `unixSeconds`. */
export async function totpCode(secret: Uint8Array, unixSeconds: number, digits = 6): Promise<string> {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(Math.floor(unixSeconds / 30)));
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The key of the two-factor setup page in its HTML, decoded. */
export function setupPageSecret(html: string): Uint8Array {
  const key = /<code id="totp-key">([A-Z2-7]+)<\/code>/.exec(html)?.[1];
  if (!key) throw new Error('the page shows no TOTP key');
  return decodeBase32(key);
}
