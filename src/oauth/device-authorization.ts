// The device authorization grant's two codes and the user's side (RFC 8628 §3.1–3.3): the device authorization
// request, the user code's format and lookup, and the user's decision. The client's polling is grants/device-code.ts.
import type { Config } from '../config';
import type { Stores } from '../storage/stores';
import type { Client, DeviceAuthorization, User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/opaque';
import { OAuthError } from './errors';
import type { RequestParams } from './params';
import { requestedUserScopes } from './requested-scope';
import { audienceFor } from './resource';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** How long a device authorization may wait for the user (RFC 8628 §3.2 `expires_in`). */
export const DEVICE_CODE_TTL_SECONDS = 10 * 60;
/** The polling interval a client starts with (RFC 8628 §3.2 `interval`, default 5). */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/**
 * RFC 8628 §6.1: 8 characters from 20 consonants (no vowels, so no words; no look-alikes such as 0/O, 1/I) give
 * 20^8 ≈ 2^34 codes. With a few thousand live codes and user-code entries limited per address and per user
 * (USER_CODE_ATTEMPTS), a guesser needs millions of years per hit.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;
/** Entries of a user code (on the /device page) per window, per address and per signed-in user. */
export const USER_CODE_ATTEMPTS = {
  perAddress: { limit: 20, windowSeconds: 15 * 60 },
  perUser: { limit: 10, windowSeconds: 15 * 60 },
} as const;

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export const DEVICE_VERIFICATION_PATH = '/device';

/** RFC 8628 §3.1–3.2: the client asks; it gets the codes, stored only as hashes. */
export async function startDeviceAuthorization(
  params: RequestParams,
  client: Client,
  context: { stores: Stores; config: Config; issuer: string },
): Promise<DeviceAuthorizationResponse> {
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) {
    throw new OAuthError('unauthorized_client', 'this client may not use the device authorization grant');
  }
  const scopes = requestedUserScopes(params.get('scope'), client.scopes);
  const resources = [...new Set(params.getAll('resource'))];
  // Refused now rather than after the user has approved (RFC 8707 §2).
  audienceFor(resources, context.config, context.issuer);
  const deviceCode = generateOpaqueToken();
  const userCode = generateUserCode();
  const nowSeconds = epochSeconds();
  await context.stores.deviceAuthorizations.create({
    deviceCodeHash: await hashOpaqueToken(deviceCode),
    userCodeHash: await hashOpaqueToken(userCode),
    clientId: client.id,
    scopes,
    resources,
    status: 'pending',
    userId: null,
    authTime: null,
    amr: null,
    pollIntervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
    lastPolledAt: null,
    createdAt: nowSeconds,
    expiresAt: nowSeconds + DEVICE_CODE_TTL_SECONDS,
    consumedAt: null,
  });
  const verificationUri = `${context.issuer}${DEVICE_VERIFICATION_PATH}`;
  const shown = formatUserCode(userCode);
  return {
    device_code: deviceCode,
    user_code: shown,
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?user_code=${shown}`,
    expires_in: DEVICE_CODE_TTL_SECONDS,
    interval: DEVICE_POLL_INTERVAL_SECONDS,
  };
}

/** 8 uniformly chosen characters of the alphabet (rejection sampling keeps the choice unbiased). */
export function generateUserCode(): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(USER_CODE_LENGTH))) {
      // 240 is the largest multiple of 20 below 256: bytes above it would favour the first letters.
      if (byte < 240 && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** `XXXX-XXXX`, the form users read and type (RFC 8628 §6.1). */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The code as typed, without case, dashes or spaces (§6.1); null when it cannot be a user code at all. */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  const valid = code.length === USER_CODE_LENGTH && [...code].every((char) => USER_CODE_ALPHABET.includes(char));
  return valid ? code : null;
}

/** The pending, unexpired authorization a typed user code names, or null. */
export async function pendingDeviceAuthorization(
  stores: Stores,
  typed: string,
  nowSeconds = epochSeconds(),
): Promise<DeviceAuthorization | null> {
  const code = normalizeUserCode(typed);
  if (code === null) return null;
  const authorization = await stores.deviceAuthorizations.findByUserCode(await hashOpaqueToken(code));
  if (authorization?.status !== 'pending' || authorization.expiresAt <= nowSeconds) return null;
  return authorization;
}

/** RFC 8628 §3.3: the user allows or denies; false when the code was no longer pending (decided, expired). */
export async function decideDeviceAuthorization(
  stores: Stores,
  typed: string,
  user: User,
  decision: { allow: true; authTime: number; amr: readonly string[] } | { allow: false },
): Promise<boolean> {
  const code = normalizeUserCode(typed);
  if (code === null) return false;
  return stores.deviceAuthorizations.decide(
    await hashOpaqueToken(code),
    decision.allow
      ? { status: 'approved', userId: user.id, authTime: decision.authTime, amr: decision.amr }
      : { status: 'denied', userId: user.id },
    epochSeconds(),
  );
}
