// Recovering a forgotten password in real Chromium against `wrangler dev`, reading the mail on the development
// outbox page as a developer would: sign up with an address, confirm it from the outbox, follow "Forgot your
// password?", open the reset link from the outbox, choose a new password, and sign in with it (the old one fails).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import { launchChromium, submitLoginForm, type Chromium } from './chromium';
import { startDevServer, type DevServer } from './dev-server';

let server: DevServer;
let browser: Chromium;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

/** How often the outbox page is reloaded while the mail is not there yet (it is written after the response). */
const OUTBOX_ATTEMPTS = 40;

/** Opens /dev/outbox and follows the link of the newest message with this subject to this address. */
async function openMailedLink(email: string, subject: string): Promise<void> {
  const message = page.locator('article.outbox-message', { hasText: email }).filter({ hasText: subject }).first();
  for (let attempt = 0; attempt < OUTBOX_ATTEMPTS; attempt++) {
    await page.goto(`${server.issuer}/dev/outbox`);
    if ((await message.count()) > 0) break;
    await page.waitForTimeout(250);
  }
  await message.getByRole('link').click();
}

describe('password reset in Chromium', () => {
  it('mails a reset link to the confirmed address; the new password signs in and the old one no longer does', async () => {
    const username = `reset_${generateOpaqueToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const email = `${username}@example.com`;
    const oldPassword = generateOpaqueToken(12);
    const newPassword = generateOpaqueToken(12);

    await page.goto(`${server.issuer}/signup`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(oldPassword);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(`${email} (not verified)`).waitFor();

    await openMailedLink(email, 'Confirm your email address');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(`${email} is now the verified address of your account.`).waitFor();

    // Signed out, as someone who forgot the password.
    await browser.context.clearCookies();
    await page.goto(`${server.issuer}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    await openMailedLink(email, 'Reset your password');
    expect(new URL(page.url()).pathname).toBe('/password-reset/new');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await submitLoginForm(page, username, oldPassword);
    await page.getByText('Invalid username or password.').waitFor();
    await submitLoginForm(page, username, newPassword);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText(`${email} (verified)`).waitFor();
    expect(cspViolations).toEqual([]);
  });
});
