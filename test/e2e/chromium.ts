// Debian's Chromium through playwright-core for the browser tests: a headless persistent context in a temporary
// profile, with the switches that keep it quiet and offline (never `npx playwright install`); the issuer's login form
// as a person fills it; and a relying party's callback server.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../../scripts/lib/free-port';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'portcullis-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Types into the issuer's real login form and submits it. */
export async function submitLoginForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The relying party's pages: they only have to answer, the test reads the browser's address. */
export async function startCallbackServer(): Promise<{ origin: string; server: Server }> {
  const port = await freePort();
  const callbackServer = createServer((_, response) =>
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('back at the client'),
  );
  await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, server: callbackServer };
}
