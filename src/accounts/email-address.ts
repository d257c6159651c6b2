// An email address as a user types it: trimmed, at most 254 characters, one @ and no spaces. Only a confirmation
// mail can prove more, which is why a new address starts unverified (accounts/email-links.ts).

/** RFC 5321 §4.5.3.1.3 caps a forward path at 256 octets, so an address is at most 254 characters. */
const EMAIL_MAX_LENGTH = 254;
// Deliberately loose: one @, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

/** The address trimmed; null when the field is empty (no address); 'invalid' when it cannot be an address. */
export function parseEmailAddress(input: string | null | undefined): string | null | 'invalid' {
  const email = input?.trim() || null;
  if (email === null) return null;
  return email.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(email) ? email : 'invalid';
}

/** Addresses compare case-insensitively everywhere here (storage/user-emails.ts, the per-recipient mail limit). */
export function sameEmailAddress(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}
