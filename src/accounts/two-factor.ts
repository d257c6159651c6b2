// Two-factor codes for an account (RFC 6238 TOTP plus recovery codes): enrolment, a new secret that is a second
// factor only once its first code is confirmed; checking a code or a recovery code, each accepted once; new recovery
// codes; turning it off. The secret is sealed (AES-GCM, tokens/secret-box.ts under TOTP_ENCRYPTION_KEY) with the
// user id as additional data, so a sealed secret copied onto another account does not open.
import { base64url } from 'jose';
import type { Stores } from '../storage/stores';
import type { Config } from '../config';
import { createSecretBox, type SecretBox } from '../tokens/secret-box';
import { OAuthError } from '../oauth/errors';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes';
import { generateTotpSecret, looksLikeTotpCode, matchingTimeStep } from './totp';

type TwoFactorStores = Pick<Stores, 'twoFactor'>;

/** The box sealing TOTP secrets, or undefined when TOTP_ENCRYPTION_KEY is not set (two-factor codes are off). */
export function totpSecretBox(config: Pick<Config, 'totpEncryptionKey'>): SecretBox | undefined {
  return config.totpEncryptionKey === undefined ? undefined : createSecretBox(config.totpEncryptionKey);
}

/** How a second factor was given, for the audit trail (`details.method`). */
export type SecondFactorMethod = 'totp' | 'recovery_code';

/** Whether signing in to the account takes a code after the password. */
export async function hasTwoFactor(stores: TwoFactorStores, userId: string): Promise<boolean> {
  return ((await stores.twoFactor.find(userId))?.confirmedAt ?? null) !== null;
}

/**
 * Starts (or restarts) enrolment with a new secret, returned for the QR code; null when two-factor is on already.
 * Until confirmed the secret is not asked for at sign-in.
 */
export async function startTotpEnrolment(
  stores: TwoFactorStores,
  box: SecretBox,
  userId: string,
  nowSeconds: number,
): Promise<Uint8Array | null> {
  const secret = generateTotpSecret();
  const stored = await stores.twoFactor.startEnrolment(userId, await sealSecret(box, userId, secret), nowSeconds);
  return stored ? secret : null;
}

/** The secret of an enrolment not yet confirmed (to show it again after a wrong first code), else null. */
export async function enrolmentSecret(stores: TwoFactorStores, box: SecretBox, userId: string) {
  const credential = await stores.twoFactor.find(userId);
  if (!credential || credential.confirmedAt !== null) return null;
  return openSecret(box, userId, credential.secretCiphertext);
}

/**
 * Confirms enrolment with the first code from the app, which proves the app holds the secret: two-factor is on from
 * then, and the new recovery codes are returned (the only time they exist in clear). Null for a wrong code.
 */
export async function confirmTotpEnrolment(
  stores: TwoFactorStores,
  box: SecretBox,
  userId: string,
  code: string,
  nowSeconds: number,
): Promise<string[] | null> {
  const secret = await enrolmentSecret(stores, box, userId);
  const step = secret === null ? null : matchingTimeStep(secret, code, nowSeconds, null);
  if (step === null) return null;
  const codes = generateRecoveryCodes();
  const confirmed = await stores.twoFactor.confirm(userId, step, await hashAll(codes), nowSeconds);
  return confirmed ? codes : null;
}

/**
 * Checks what was typed at the second step: a current code from the app (a step not used before, claimed
 * atomically) or, failing that, one of the recovery codes (spent). Null when it is neither.
 */
export async function verifySecondFactor(
  stores: TwoFactorStores,
  box: SecretBox | undefined,
  userId: string,
  typed: string,
  nowSeconds: number,
): Promise<SecondFactorMethod | null> {
  if (looksLikeTotpCode(typed)) return (await verifyTotpCode(stores, box, userId, typed, nowSeconds)) ? 'totp' : null;
  if (!(await hasTwoFactor(stores, userId))) return null;
  return (await stores.twoFactor.useRecoveryCode(userId, await hashRecoveryCode(typed))) ? 'recovery_code' : null;
}

/** Whether `code` is a current code of the user's confirmed authenticator, not used before (then it is used). */
export async function verifyTotpCode(
  stores: TwoFactorStores,
  box: SecretBox | undefined,
  userId: string,
  code: string,
  nowSeconds: number,
): Promise<boolean> {
  const credential = await stores.twoFactor.find(userId);
  if (!credential || credential.confirmedAt === null) return false;
  const secret = await openSecret(box, userId, credential.secretCiphertext);
  const step = matchingTimeStep(secret, code, nowSeconds, credential.lastUsedStep);
  // RFC 6238 §5.2: a code is accepted once; a concurrent request with the same code loses the atomic claim.
  return step !== null && (await stores.twoFactor.useStep(userId, step));
}

/** New recovery codes replacing every earlier one; returned in clear this once. */
export async function replaceRecoveryCodes(stores: TwoFactorStores, userId: string, nowSeconds: number) {
  const codes = generateRecoveryCodes();
  await stores.twoFactor.replaceRecoveryCodes(userId, await hashAll(codes), nowSeconds);
  return codes;
}

/** Turns two-factor off: the secret and the recovery codes are deleted. */
export function turnOffTwoFactor(stores: TwoFactorStores, userId: string): Promise<void> {
  return stores.twoFactor.remove(userId);
}

const associatedData = (userId: string) => `totp:${userId}`;

async function sealSecret(box: SecretBox, userId: string, secret: Uint8Array): Promise<string> {
  return box.seal(base64url.encode(secret), associatedData(userId));
}

/**
 * The user's TOTP secret. Without the key it was sealed under (TOTP_ENCRYPTION_KEY unset or replaced: an operator's
 * mistake) no code can be checked: the user is told so with a 503 and pointed to a recovery code, never a 500.
 */
async function openSecret(box: SecretBox | undefined, userId: string, sealed: string): Promise<Uint8Array> {
  const opened = box ? await box.open(sealed, associatedData(userId)).catch(() => null) : null;
  if (opened === null) {
    console.error(
      'two-factor codes cannot be checked: TOTP_ENCRYPTION_KEY is unset or not the key they were sealed under',
    );
    throw new OAuthError(
      'temporarily_unavailable',
      'codes from your authenticator app cannot be checked right now; sign in with a recovery code',
    );
  }
  return base64url.decode(opened);
}

function hashAll(codes: string[]): Promise<string[]> {
  return Promise.all(codes.map(hashRecoveryCode));
}
