// Password hashing with PBKDF2-SHA256 through WebCrypto (RFC 8018 §5.2), stored in a self-describing format
// `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url), so the cost can change and old hashes be upgraded on login.
import { base64url } from 'jose';
import { bytesEqual } from '../tokens/constant-time';

/** The algorithm tag that starts every hash this module writes; a new scheme gets a new tag. */
export const PASSWORD_HASH_SCHEME = 'pbkdf2-sha256';
/** The iteration count new hashes use. */
export const PBKDF2_ITERATIONS = 100_000;
/**
 * Deployed Workers refuse PBKDF2 above 100,000 iterations, but local workerd accepts far more; enforcing the cap
 * here makes a too-high cost fail in tests instead of in production.
 */
export const MAX_PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/**
 * The stored hash of an account without a password (passkeys only, or an upstream identity). A marker rather than
 * NULL: making users.password_hash nullable means rebuilding the users table, which D1's always-on foreign keys
 * would cascade into every table that references it. No password verifies against it.
 */
export const NO_PASSWORD_HASH = '';

/** Whether the account can sign in with a password at all. */
export function hasPassword(user: { passwordHash: string }): boolean {
  return user.passwordHash !== NO_PASSWORD_HASH;
}

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

export interface PasswordVerification {
  valid: boolean;
  /** The hash uses an older scheme or cost than PBKDF2_ITERATIONS: rehash the password now that it is known. */
  needsRehash: boolean;
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  assertIterations(iterations);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations, HASH_BYTES);
  return [PASSWORD_HASH_SCHEME, iterations, base64url.encode(salt), base64url.encode(hash)].join('$');
}

/** Checks a password against a stored hash in constant time; throws PasswordHashError when the hash is unusable. */
export async function verifyPassword(password: string, storedHash: string): Promise<PasswordVerification> {
  const { iterations, salt, hash } = parseHash(storedHash);
  const candidate = await derive(password, salt, iterations, hash.byteLength);
  const valid = bytesEqual(candidate, hash);
  return { valid, needsRehash: iterations !== PBKDF2_ITERATIONS };
}

function parseHash(storedHash: string): { iterations: number; salt: Uint8Array; hash: Uint8Array } {
  const [scheme, iterationText, saltText, hashText, ...rest] = storedHash.split('$');
  if (scheme !== PASSWORD_HASH_SCHEME || saltText === undefined || hashText === undefined || rest.length > 0) {
    throw new PasswordHashError('the stored password hash is not in a supported format');
  }
  const iterations = Number(iterationText);
  assertIterations(iterations);
  const salt = decodeBase64url(saltText);
  const hash = decodeBase64url(hashText);
  if (!salt || !hash || salt.byteLength < SALT_BYTES || hash.byteLength !== HASH_BYTES) {
    throw new PasswordHashError('the stored password hash has a malformed salt or hash');
  }
  return { iterations, salt, hash };
}

function decodeBase64url(text: string): Uint8Array | undefined {
  try {
    return base64url.decode(text);
  } catch {
    return undefined;
  }
}

function assertIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new PasswordHashError(`PBKDF2 iterations must be a positive integer, got ${iterations}`);
  }
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new PasswordHashError(
      `PBKDF2 iterations above ${MAX_PBKDF2_ITERATIONS} are rejected by deployed Workers, got ${iterations}`,
    );
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array> {
  // NFKC, so the same password typed on different keyboards or input methods hashes the same (NIST SP 800-63B §5.1.1.2).
  const secret = new TextEncoder().encode(password.normalize('NFKC'));
  const key = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, bytes * 8);
  return new Uint8Array(bits);
}
