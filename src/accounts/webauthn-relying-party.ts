// The WebAuthn relying party this issuer is (WebAuthn Level 3 §5.1.3, §13.4.9): its RP ID is the issuer's host and
// the one origin it accepts is the issuer's origin, so a passkey is bound to the issuer and nothing else.
export interface RelyingParty {
  /** The RP ID: the issuer's host name. */
  id: string;
  /** The origin every clientDataJSON must carry (§7.1 step 9, §7.2 step 13). */
  origin: string;
  name: string;
}

/**
 * The relying party of an issuer, or null when its host is an IP address: browsers refuse an IP literal as an RP ID
 * (Chromium: "This is an invalid domain"), so passkeys need a domain name, `localhost` included (a secure context
 * over plain http).
 */
export function relyingPartyFor(issuer: string, name: string): RelyingParty | null {
  const { hostname, origin } = new URL(issuer);
  if (isIpAddress(hostname)) return null;
  return { id: hostname, origin, name };
}

function isIpAddress(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
