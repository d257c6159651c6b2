// How the user authenticated, as the ID Token states it (OIDC Core §2 `acr` and `amr`, RFC 8176 method values), and
// how an `acr` request is answered (§3.1.2.1 acr_values, voluntary; §5.5.1.1 an essential `acr` claim, binding).
// A sign-in records its methods (`amr`) on the session; the code, refresh token and device grant carry them to every
// token, and `acr` is derived from them here, in one place.
import type { RequestedClaims } from '../storage/types';
import { OAuthError } from './errors';

/**
 * RFC 8176 §2 method values this issuer states. `fed` (a sign-in through an upstream identity provider) is not in
 * RFC 8176's registry; OIDC Core §2 leaves amr values open, and `fed` is what Microsoft Entra ID states for a
 * federated sign-in. The upstream's own amr is not passed on: those are its statements, which this issuer cannot
 * check (docs/accounts.md).
 */
export const AMR = {
  password: 'pwd',
  /** Proof of possession of a key: a passkey. Not `hwk`, since a synced passkey's key is not confined to hardware. */
  proofOfPossession: 'pop',
  /** A user presence test. */
  userPresence: 'user',
  /** A one-time password: a code from an authenticator app (RFC 6238) or a recovery code. */
  oneTimePassword: 'otp',
  /** More than one factor: the key possessed plus the user verification (PIN, biometric) the authenticator did, or a
   * password plus a one-time code. */
  multiFactor: 'mfa',
  /** A sign-in through an upstream OpenID provider. */
  upstream: 'fed',
} as const;

/** The methods of a password sign-in; also what a grant stored before methods were recorded reads as. */
export const PASSWORD_AMR: readonly string[] = [AMR.password];

/** The methods of a passkey sign-in (the authenticator tested presence and verified the user; accounts/passkey-*.ts). */
export const PASSKEY_AMR: readonly string[] = [AMR.proofOfPossession, AMR.userPresence, AMR.multiFactor];

/**
 * OpenID Connect EAP ACR Values 1.0 §2 `phr`, phishing-resistant: a WebAuthn assertion is bound to this origin, so a
 * look-alike site cannot relay it. Not `phrh`: nothing (no attestation) shows the key is hardware-protected.
 */
export const PHISHING_RESISTANT_ACR = 'phr';

/** A password and then a code from an authenticator app or a recovery code (both one-time passwords, RFC 8176 §2). */
export const PASSWORD_AND_CODE_AMR: readonly string[] = [AMR.password, AMR.oneTimePassword, AMR.multiFactor];

/**
 * A sign-in with more than one factor (`mfa` in its methods), such as a password and a one-time code: this issuer's
 * own value, as PASSWORD_ACR; not `phr` (OpenID EAP ACR Values §2), since a typed code can be phished.
 */
export const MULTI_FACTOR_ACR = 'urn:portcullis:acr:mfa';

/**
 * A single-factor password sign-in. The value is this issuer's own (no registry of acr values describes one); the
 * values of stronger sign-ins come before it in ACR_RULES.
 */
export const PASSWORD_ACR = 'urn:portcullis:acr:password';

/** The methods of a sign-in through an upstream OpenID provider. */
export const UPSTREAM_AMR: readonly string[] = [AMR.upstream];

/** A sign-in through an upstream OpenID provider: as strong as that provider's sign-in, which this issuer does not see. */
export const UPSTREAM_ACR = 'urn:portcullis:acr:upstream';

/** Each acr with the sign-ins it describes, strongest first: a sign-in's acr is the first whose rule it meets. */
const ACR_RULES: ReadonlyArray<{ acr: string; describes: (amr: readonly string[]) => boolean }> = [
  {
    acr: PHISHING_RESISTANT_ACR,
    describes: (amr) => amr.includes(AMR.proofOfPossession) && amr.includes(AMR.multiFactor),
  },
  { acr: MULTI_FACTOR_ACR, describes: (amr) => amr.includes(AMR.multiFactor) },
  { acr: UPSTREAM_ACR, describes: (amr) => amr.includes(AMR.upstream) },
  { acr: PASSWORD_ACR, describes: () => true },
];

/** Discovery `acr_values_supported`. */
export const ACR_VALUES_SUPPORTED: readonly string[] = ACR_RULES.map((rule) => rule.acr);

/** The `acr` of a sign-in by these methods. */
export function acrOf(amr: readonly string[]): string {
  return (ACR_RULES.find((rule) => rule.describes(amr)) ?? ACR_RULES[ACR_RULES.length - 1]!).acr;
}

/** The `acr` and `amr` claims of a grant's tokens; null methods (a grant stored without them) read as a password. */
export function authenticationClaims(amr: readonly string[] | null | undefined): { acr: string; amr: string[] } {
  const methods = amr && amr.length > 0 ? amr : PASSWORD_AMR;
  return { acr: acrOf(methods), amr: [...methods] };
}

/** The acr values an essential `acr` request accepts (§5.5.1.1), or null when there is none. */
function essentialAcrValues(claims: RequestedClaims | null): readonly unknown[] | null {
  const acr = claims?.idToken?.acr;
  if (!acr?.essential) return null;
  if (acr.values) return acr.values;
  return acr.value === undefined ? ACR_VALUES_SUPPORTED : [acr.value];
}

/**
 * §5.5.1.1: when `acr` is requested as essential, the issued `acr` must be one of the requested values, or the request
 * fails. Checked when the request arrives (none of the values is one this server issues) and again against the
 * session's sign-in before a code is issued (assertSignInMeetsAcr). `acr_values` and a voluntary `acr` are
 * preferences (§3.1.2.1): the sign-in that happened is stated as it is.
 */
export function assertAcrRequestSatisfiable(claims: RequestedClaims | null): void {
  const accepted = essentialAcrValues(claims);
  if (
    accepted !== null &&
    !accepted.some((value) => typeof value === 'string' && ACR_VALUES_SUPPORTED.includes(value))
  ) {
    throw new OAuthError(
      'unmet_authentication_requirements',
      `the essential acr cannot be satisfied; this server signs users in with ${ACR_VALUES_SUPPORTED.join(', ')}`,
    );
  }
}

/** §5.5.1.1 for the sign-in at hand: an essential acr its methods do not meet fails the request. */
export function assertSignInMeetsAcr(claims: RequestedClaims | null, amr: readonly string[]): void {
  const accepted = essentialAcrValues(claims);
  if (accepted !== null && !accepted.includes(acrOf(amr))) {
    throw new OAuthError(
      'unmet_authentication_requirements',
      `the essential acr is not met by this sign-in (${acrOf(amr)}); sign in with a stronger method`,
    );
  }
}
