// Managed private keys at rest: AES-256-GCM under the KEY_ENCRYPTION_KEY secret, a random 96-bit IV per key, and
// the kid as additional data, so a ciphertext moved to another row fails to decrypt (NIST SP 800-38D).
import { base64url, type JWK } from 'jose';

const SEALED_VERSION = 'v1';
const KEY_ENCRYPTION_KEY_BYTES = 32;
const IV_BYTES = 12;

/** The secret's 32 bytes, from base64 or base64url (`openssl rand -base64 32`); throws a readable Error. */
export function decodeKeyEncryptionKey(value: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(value.trim().replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  } catch {
    throw new Error('KEY_ENCRYPTION_KEY is not base64: generate one with `openssl rand -base64 32`');
  }
  if (bytes.byteLength !== KEY_ENCRYPTION_KEY_BYTES) {
    throw new Error(
      `KEY_ENCRYPTION_KEY must be ${KEY_ENCRYPTION_KEY_BYTES} bytes (base64), got ${bytes.byteLength}: use \`openssl rand -base64 32\``,
    );
  }
  return bytes;
}

export function importKeyEncryptionKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function sealPrivateJwk(keyEncryptionKey: CryptoKey, kid: string, jwk: JWK): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plaintext = new TextEncoder().encode(JSON.stringify(jwk));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(kid) },
    keyEncryptionKey,
    plaintext,
  );
  return [SEALED_VERSION, base64url.encode(iv), base64url.encode(new Uint8Array(ciphertext))].join('.');
}

/** Throws when the ciphertext was not sealed for this kid under this key (a wrong KEY_ENCRYPTION_KEY, a moved row). */
export async function openPrivateJwk(keyEncryptionKey: CryptoKey, kid: string, sealed: string): Promise<JWK> {
  const [version, iv, ciphertext] = sealed.split('.');
  if (version !== SEALED_VERSION || !iv || !ciphertext) throw new Error(`signing key ${kid}: unknown sealed format`);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: base64url.decode(iv), additionalData: new TextEncoder().encode(kid) },
      keyEncryptionKey,
      base64url.decode(ciphertext),
    );
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch {
    throw new Error(`signing key ${kid} does not decrypt under KEY_ENCRYPTION_KEY (was the secret changed?)`);
  }
}
