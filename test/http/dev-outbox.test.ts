// The mailer by configuration: /dev/outbox answering only for a local issuer (404 with an https ISSUER or another
// mailer), MAILER=cloudflare sending through the Email Service binding's structured send(), and MAIL_* validated.
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Bindings } from '../../src/env';
import { TestBrowser } from '../helpers/browser';
import { send } from '../helpers/http';
import { createMailApp, testAddress } from '../helpers/outbox';
import { createTestUser } from '../helpers/users';

const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

describe('GET /dev/outbox', () => {
  it('lists the kept mail, newest first, as a framing-proof page, while the issuer is local', async () => {
    const mail = createMailApp();
    const email = testAddress();
    await createTestUser({ email, emailVerified: true });
    const browser = mail.browser();
    await browser.get('/password-reset');
    await browser.submit('/password-reset', { email });
    const response = await mail.send('/dev/outbox');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await mail.mailTo(email)).toHaveLength(1);
  });

  it('is not found when ISSUER is https (the Worker under test has https://issuer.test)', async () => {
    const email = testAddress();
    await createTestUser({ email, emailVerified: true });
    const browser = new TestBrowser();
    await browser.get('/password-reset');
    expect((await browser.submit('/password-reset', { email })).status).toBe(200);
    const response = await send('/dev/outbox');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(email);
  });

  it('is not found with MAILER=cloudflare, even for a local issuer', async () => {
    const mail = createMailApp({
      MAILER: 'cloudflare',
      MAIL_FROM: 'no-reply@auth.example',
      EMAIL: fakeBinding().binding,
    });
    expect((await mail.send('/dev/outbox')).status).toBe(404);
  });
});

describe('MAILER=cloudflare', () => {
  it('sends through the EMAIL binding from MAIL_FROM, as plain text holding the link', async () => {
    const { binding, sent } = fakeBinding();
    const mail = createMailApp({ MAILER: 'cloudflare', MAIL_FROM: 'no-reply@auth.example', EMAIL: binding });
    const email = testAddress();
    const { user } = await createTestUser({ email, emailVerified: true });
    const browser = mail.browser();
    await browser.get('/password-reset');
    expect((await browser.submit('/password-reset', { email })).status).toBe(200);
    expect(sent).toEqual([
      {
        from: 'no-reply@auth.example',
        to: email,
        subject: 'Reset your password',
        text: expect.stringMatching(
          new RegExp(
            `account ${user.username}\\.[\\s\\S]*http://127\\.0\\.0\\.1:8787/password-reset/new\\?token=[\\w-]{43}\\n`,
          ),
        ),
      },
    ]);
    const { results } = await env.DB.prepare('SELECT count(*) AS kept FROM outbox_messages WHERE "to" = ?')
      .bind(email)
      .all();
    expect(results).toEqual([{ kept: 0 }]);
  });

  it('answers the request the same when the binding fails, and logs it', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const binding = { send: () => Promise.reject(new Error('destination not verified')) } as unknown as SendEmail;
    const mail = createMailApp({ MAILER: 'cloudflare', MAIL_FROM: 'no-reply@auth.example', EMAIL: binding });
    const email = testAddress();
    await createTestUser({ email, emailVerified: true });
    const browser = mail.browser();
    await browser.get('/password-reset');
    expect((await browser.submit('/password-reset', { email })).status).toBe(200);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('mail not sent'), expect.any(Error));
    error.mockRestore();
  });
});

describe('mail configuration', () => {
  const base: Bindings = { DB: env.DB, SIGNING_KEYS: env.SIGNING_KEYS, REGISTRATION_POLICY: 'open' };

  it('defaults to the outbox with 10 mails per address and 5 per recipient an hour', () => {
    expect(loadConfig(base).mail).toEqual({
      transport: 'outbox',
      from: undefined,
      perAddress: { limit: 10, windowSeconds: 3600 },
      perRecipient: { limit: 5, windowSeconds: 3600 },
    });
  });

  it('refuses an unknown MAILER, cloudflare without MAIL_FROM, and limits that are not positive integers', () => {
    expect(() => loadConfig({ ...base, MAILER: 'smtp' })).toThrow('MAILER must be outbox or cloudflare, got "smtp"');
    expect(() => loadConfig({ ...base, MAILER: 'cloudflare' })).toThrow(
      'MAILER is "cloudflare" but MAIL_FROM is not set',
    );
    expect(() => loadConfig({ ...base, MAIL_RATE_LIMIT: '0' })).toThrow('MAIL_RATE_LIMIT must be a positive integer');
  });
});

function fakeBinding() {
  const sent: unknown[] = [];
  const binding = {
    send: async (message: unknown) => {
      sent.push(message);
      return { messageId: 'test' };
    },
  } as unknown as SendEmail;
  return { binding, sent };
}
