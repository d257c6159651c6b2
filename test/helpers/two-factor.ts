// Two-factor accounts for the tests, made through the pages as a person would: set up on /account/security, the key
// read off the setup page, confirmed with a code of the tests' own RFC 6238 implementation.
import { expect } from 'vitest';
import { signedInBrowser } from './authorize';
import type { TestBrowser } from './browser';
import { setupPageSecret, totpCode } from './totp';
import type { TestUser } from './users';

export interface TwoFactorUser extends TestUser {
  browser: TestBrowser;
  secret: Uint8Array;
  recoveryCodes: string[];
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Sets up two-factor codes for the browser's user; returns the secret and the recovery codes shown. */
export async function enrolTotp(browser: TestBrowser): Promise<{ secret: Uint8Array; recoveryCodes: string[] }> {
  await browser.get('/account/security');
  expect((await browser.submit('/account/security/two-factor/set-up', {})).status).toBe(200);
  const secret = setupPageSecret(browser.html);
  const confirmed = await browser.submit('/account/security/two-factor/confirm', {
    code: await totpCode(secret, nowSeconds()),
  });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: recoveryCodesOf(browser.html) };
}

/** A new user with two-factor codes on, and the browser that set them up (still signed in). */
export async function twoFactorUser(): Promise<TwoFactorUser> {
  const signedIn = await signedInBrowser();
  return { ...signedIn, ...(await enrolTotp(signedIn.browser)) };
}

/** The recovery codes a page lists. */
export function recoveryCodesOf(html: string): string[] {
  const list = /<ul class="items" id="recovery-codes">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<code>([^<]+)<\/code>/g)].map((match) => match[1]!);
}
