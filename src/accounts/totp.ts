// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226; HMAC from @oslojs/otp): the parameters every
// authenticator app understands (SHA-1, 6 digits, 30-second steps), the secret and its otpauth:// URI, and which
// time step a code belongs to, so the caller can refuse a step used before (§5.2).
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

/** RFC 6238 §4.1 X: seconds per time step; 30 is the default every app assumes. */
export const TOTP_PERIOD_SECONDS = 30;
/** Digits per code: 6, what the apps show (RFC 4226 §5.3 allows 6 to 8). */
export const TOTP_DIGITS = 6;
/** RFC 4226 §4 R6: the shared secret SHOULD be 160 bits. */
const TOTP_SECRET_BYTES = 20;
/**
 * RFC 6238 §5.2: the verifier should allow a step of network delay; one step either side also forgives a phone clock
 * a little fast or slow.
 */
const ACCEPTED_DRIFT_STEPS = 1;

/** A new random shared secret. */
export function generateTotpSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES));
}

/**
 * What an authenticator app is given: the key URI it reads from the QR code (the otpauth Key Uri Format, with issuer
 * label and account), and the key in base32 as it is typed in by hand (the URI's `secret`).
 */
export function totpKey(issuerLabel: string, accountName: string, secret: Uint8Array): { uri: string; base32: string } {
  const uri = createTOTPKeyURI(issuerLabel, accountName, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { uri, base32: new URL(uri).searchParams.get('secret') ?? '' };
}

/** RFC 6238 §4.2 T: the time step of a moment. */
export function timeStepAt(unixSeconds: number): number {
  return Math.floor(unixSeconds / TOTP_PERIOD_SECONDS);
}

/** The code of the step containing `unixSeconds` (TOTP(K, T)), `digits` long. */
export function totpCodeAt(secret: Uint8Array, unixSeconds: number, digits = TOTP_DIGITS): string {
  return generateHOTP(secret, BigInt(timeStepAt(unixSeconds)), digits);
}

/** Whether a typed value has the shape of a code (digits only, spaces allowed as apps group them). */
export function looksLikeTotpCode(typed: string): boolean {
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(typed.replace(/\s/g, ''));
}

/**
 * The time step, within the accepted drift of now, that `code` is the code of and that is later than `lastUsedStep`;
 * null when there is none. Every candidate is compared in constant time.
 */
export function matchingTimeStep(
  secret: Uint8Array,
  code: string,
  nowSeconds: number,
  lastUsedStep: number | null,
): number | null {
  const typed = code.replace(/\s/g, '');
  const now = timeStepAt(nowSeconds);
  for (let step = now - ACCEPTED_DRIFT_STEPS; step <= now + ACCEPTED_DRIFT_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (verifyHOTP(secret, BigInt(step), TOTP_DIGITS, typed)) return step;
  }
  return null;
}
