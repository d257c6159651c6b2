// How the user authenticated, as the ID Token states it (OIDC Core §2 `acr` and `amr`, RFC 8176 method values), and
// how an `acr` request is answered (§3.1.2.1 acr_values, voluntary; §5.5.1.1 an essential `acr` claim, binding).
import type { RequestedClaims } from '../storage/types';
import { OAuthError } from './errors';

/**
 * The one authentication context: a password entered on the login page. The value is this issuer's own (no registry
 * of acr values describes a single-factor password sign-in); a second factor or passkeys would add others.
 */
export const PASSWORD_ACR = 'urn:portcullis:acr:password';

/** Discovery `acr_values_supported`. */
export const ACR_VALUES_SUPPORTED = [PASSWORD_ACR] as const;

/** The `acr` and `amr` claims of a password sign-in (RFC 8176 §2: `pwd`). */
export const PASSWORD_AUTHENTICATION = { acr: PASSWORD_ACR, amr: ['pwd'] } as const;

/**
 * §5.5.1.1: when `acr` is requested as essential, the issued `acr` must be one of the requested values, or the request
 * fails. `acr_values` and a voluntary `acr` are preferences (§3.1.2.1): the sign-in that happened is stated as it is.
 */
export function assertAcrRequestSatisfiable(claims: RequestedClaims | null): void {
  const acr = claims?.idToken?.acr;
  if (!acr?.essential) return;
  const accepted = acr.values ?? (acr.value === undefined ? undefined : [acr.value]);
  if (accepted !== undefined && !accepted.includes(PASSWORD_ACR)) {
    throw new OAuthError(
      'unmet_authentication_requirements',
      `the essential acr cannot be satisfied; this server signs users in with ${PASSWORD_ACR}`,
    );
  }
}
