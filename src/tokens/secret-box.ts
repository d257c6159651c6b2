// Sealing a secret the server must read back (the client_secret_jwt HMAC key, a TOTP secret): AES-256-GCM under a key
// from a Worker secret (CLIENT_SECRET_ENCRYPTION_KEY, TOTP_ENCRYPTION_KEY), a random 96-bit IV per seal, and the
// owner's id (client id, `totp:<user id>`) as additional data, so a sealed value copied onto another row does not open.
import { base64url } from 'jose';

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SecretBox {
  seal(secret: string, ownerId: string): Promise<string>;
  /** Throws when the value was not sealed under this key for this owner. */
  open(sealed: string, ownerId: string): Promise<string>;
}

/** `key` is 32 random bytes, base64url (npm run keys:generate prints one). */
export function createSecretBox(key: string): SecretBox {
  const raw = base64url.decode(key);
  if (raw.byteLength !== 32) throw new Error('an encryption key must be 32 bytes, base64url-encoded');
  const importKey = () => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async seal(secret, ownerId) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const parameters = { name: 'AES-GCM', iv, additionalData: encoder.encode(ownerId) };
      const sealed = new Uint8Array(await crypto.subtle.encrypt(parameters, await importKey(), encoder.encode(secret)));
      const joined = new Uint8Array(IV_BYTES + sealed.byteLength);
      joined.set(iv);
      joined.set(sealed, IV_BYTES);
      return base64url.encode(joined);
    },
    async open(sealed, ownerId) {
      const joined = base64url.decode(sealed);
      const parameters = { name: 'AES-GCM', iv: joined.slice(0, IV_BYTES), additionalData: encoder.encode(ownerId) };
      return decoder.decode(await crypto.subtle.decrypt(parameters, await importKey(), joined.slice(IV_BYTES)));
    },
  };
}
