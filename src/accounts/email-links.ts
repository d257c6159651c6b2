// The single-use links mailed to users: a random 256-bit token in the URL, only its SHA-256 stored, bound to one
// user, one purpose and the address it went to, and deleted by its one use or outlived by its expiry.
import type { EmailToken, EmailTokenPurpose, EmailTokenStore } from '../storage/types';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';

/** An address confirmation link works for an hour; a new one can be asked for on /account. */
export const EMAIL_VERIFICATION_TTL_SECONDS = 60 * 60;
/** A password reset link works for 20 minutes (OWASP's Forgot Password Cheat Sheet: short-lived, single use). */
export const PASSWORD_RESET_TTL_SECONDS = 20 * 60;

const TTL_SECONDS: Record<EmailTokenPurpose, number> = {
  verify_email: EMAIL_VERIFICATION_TTL_SECONDS,
  reset_password: PASSWORD_RESET_TTL_SECONDS,
};

/** generateOpaqueToken's output (32 bytes, base64url); anything else is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Stores a new link for the user and returns its token, which exists nowhere else but in the mail. */
export async function issueEmailToken(
  store: EmailTokenStore,
  link: Pick<EmailToken, 'userId' | 'purpose' | 'email'>,
  nowSeconds: number,
): Promise<string> {
  const token = generateOpaqueToken();
  await store.create({
    ...link,
    tokenHash: await hashOpaqueToken(token),
    createdAt: nowSeconds,
    expiresAt: nowSeconds + TTL_SECONDS[link.purpose],
  });
  return token;
}

/** The link's record while it can still be used, left in place (the page that shows its form). */
export async function findEmailToken(
  store: EmailTokenStore,
  token: string | undefined,
  purpose: EmailTokenPurpose,
  nowSeconds: number,
): Promise<EmailToken | null> {
  if (token === undefined || !TOKEN_PATTERN.test(token)) return null;
  return store.find(await hashOpaqueToken(token), purpose, nowSeconds);
}

/** Uses the link up: at most one caller gets its record, and only before it expires. */
export async function consumeEmailToken(
  store: EmailTokenStore,
  token: string | undefined,
  purpose: EmailTokenPurpose,
  nowSeconds: number,
): Promise<EmailToken | null> {
  if (token === undefined || !TOKEN_PATTERN.test(token)) return null;
  return store.consume(await hashOpaqueToken(token), purpose, nowSeconds);
}
