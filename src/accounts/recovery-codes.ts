// Recovery codes: one-time codes that stand in for the authenticator when it is lost. Ten per account, 80 random bits
// each (so one SHA-256 is enough to store them: nobody can search that space), shown once and spent on use.
import { hashOpaqueToken } from '../tokens/opaque';

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE_BYTES = 10;
// Crockford's base32 alphabet: no I, L, O or U, so a code read off paper is not mistyped.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** New codes, grouped in fours for reading (`xxxx-xxxx-xxxx-xxxx`). */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = crypto.getRandomValues(new Uint8Array(RECOVERY_CODE_BYTES));
    let bits = 0n;
    for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
    let text = '';
    for (let index = 0; index < (RECOVERY_CODE_BYTES * 8) / 5; index++) {
      text = ALPHABET[Number(bits & 31n)] + text;
      bits >>= 5n;
    }
    return text.match(/.{4}/g)!.join('-');
  });
}

/** The stored form of a code as typed: case, spaces and dashes do not matter. */
export function hashRecoveryCode(typed: string): Promise<string> {
  return hashOpaqueToken(`recovery:${typed.toLowerCase().replace(/[\s-]/g, '')}`);
}
