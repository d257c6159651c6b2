// Sealing a secret the server must read back (the client_secret_jwt HMAC key): AES-256-GCM under a key from the
// CLIENT_SECRET_ENCRYPTION_KEY Worker secret, a random 96-bit IV per seal, and the client id as additional data, so a
// sealed value copied onto another client's row does not open.
import { base64url } from 'jose';

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SecretBox {
  seal(secret: string, clientId: string): Promise<string>;
  /** Throws when the value was not sealed under this key for this client. */
  open(sealed: string, clientId: string): Promise<string>;
}

/** `key` is 32 random bytes, base64url (npm run keys:generate prints one). */
export function createSecretBox(key: string): SecretBox {
  const raw = base64url.decode(key);
  if (raw.byteLength !== 32) throw new Error('CLIENT_SECRET_ENCRYPTION_KEY must be 32 bytes, base64url-encoded');
  const importKey = () => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async seal(secret, clientId) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const parameters = { name: 'AES-GCM', iv, additionalData: encoder.encode(clientId) };
      const sealed = new Uint8Array(await crypto.subtle.encrypt(parameters, await importKey(), encoder.encode(secret)));
      const joined = new Uint8Array(IV_BYTES + sealed.byteLength);
      joined.set(iv);
      joined.set(sealed, IV_BYTES);
      return base64url.encode(joined);
    },
    async open(sealed, clientId) {
      const joined = base64url.decode(sealed);
      const parameters = { name: 'AES-GCM', iv: joined.slice(0, IV_BYTES), additionalData: encoder.encode(clientId) };
      return decoder.decode(await crypto.subtle.decrypt(parameters, await importKey(), joined.slice(IV_BYTES)));
    },
  };
}
