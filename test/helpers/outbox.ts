// The mail flows as a developer sees them: an app with a local issuer (so /dev/outbox answers) whose requests wait for
// what they hand to waitUntil (the mail goes out after the response), browsers on it, and the outbox page read back.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import type { Bindings } from '../../src/env';
import { createTestApp } from './app';
import { TestBrowser } from './browser';
import type { RequestSender } from './http';

/** The issuer `npm start` runs: plain http on loopback. */
export const LOCAL_ISSUER = 'http://127.0.0.1:8787';

export interface OutboxEntry {
  to: string;
  subject: string;
  /** The links in the body, in order. */
  links: string[];
  text: string;
}

export function createMailApp(overrides: Partial<Bindings> = {}) {
  const testApp = createTestApp({ ISSUER: LOCAL_ISSUER, ...overrides });
  const send: RequestSender = async (path, init) => {
    const ctx = createExecutionContext();
    const response = await testApp.app.request(
      new URL(path, 'https://issuer.test').toString(),
      init,
      testApp.bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    ...testApp,
    send,
    browser: (clientIp?: string) => new TestBrowser({ send, ...(clientIp ? { clientIp } : {}) }),
    /** The messages /dev/outbox lists for this recipient, newest first. */
    async mailTo(recipient: string): Promise<OutboxEntry[]> {
      const response = await send('/dev/outbox');
      expect(response.status).toBe(200);
      return parseOutbox(await response.text()).filter((entry) => entry.to === recipient);
    },
  };
}

export type MailApp = ReturnType<typeof createMailApp>;

/** The path and query of a mailed link, for a TestBrowser (whose requests carry the test origin). */
export function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** A unique address per test, so the outbox and the per-recipient limit are the test's own. */
export function testAddress(): string {
  return `someone.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

function parseOutbox(html: string): OutboxEntry[] {
  return [...html.matchAll(/<article class="outbox-message">([\s\S]*?)<\/article>/g)].map(([, article]) => {
    const body = /<pre>([\s\S]*)<\/pre>/.exec(article!)?.[1] ?? '';
    return {
      subject: /<h2>([^<]*)<\/h2>/.exec(article!)?.[1] ?? '',
      to: /<span class="outbox-to">([^<]*)<\/span>/.exec(article!)?.[1] ?? '',
      links: [...body.matchAll(/<a href="([^"]*)">/g)].map(([, href]) => href!.replaceAll('&amp;', '&')),
      text: body.replace(/<[^>]+>/g, ''),
    };
  });
}
