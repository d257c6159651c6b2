// Cross-site request forgery on every form (RFC 9700 §4.7, RFC 6819 §4.4.1.8): a state change from a browser needs
// this origin (Origin, or Sec-Fetch-Site) and the form's token bound to the browser's session, whatever the content
// type. Each refusal is a 403 and leaves every D1 row as it was (counters and the audit log aside: a refused sign-up
// counts against the sign-up rate limit).
import { env } from 'cloudflare:test';
import { expect, it, describe } from 'vitest';
import { storesFor } from '../../src/storage/stores';
import { createCodeClient, createPublicCodeClient } from '../helpers/authorization';
import { codeRequest, hiddenField, signedInBrowser, withQuery } from '../helpers/authorize';
import { TestBrowser, type SubmitOptions } from '../helpers/browser';
import { createTestClient } from '../helpers/clients';
import { BOOKKEEPING_TABLES, snapshotRows } from '../helpers/d1-rows';

interface FormUnderAttack {
  browser: TestBrowser;
  action: string;
  fields: Record<string, string>;
}

interface Form {
  name: string;
  /** A browser showing the form, and what submitting it would send. */
  open(): Promise<FormUnderAttack>;
}

async function onPage(browser: TestBrowser, page: string): Promise<TestBrowser> {
  expect((await browser.get(page)).status).toBe(200);
  return browser;
}

const FORMS: Form[] = [
  {
    name: 'login',
    async open() {
      return {
        browser: await onPage(new TestBrowser(), '/login'),
        action: '/login',
        fields: { username: 'someone', password: 'a password' },
      };
    },
  },
  {
    name: 'sign-up',
    async open() {
      const username = `csrf_${crypto.randomUUID().slice(0, 8)}`;
      return {
        browser: await onPage(new TestBrowser(), '/signup'),
        action: '/signup',
        fields: { username, password: 'a long passphrase' },
      };
    },
  },
  {
    name: 'logout',
    async open() {
      const { browser } = await signedInBrowser();
      return { browser: await onPage(browser, '/account'), action: '/logout', fields: {} };
    },
  },
  {
    name: 'consent',
    async open() {
      const { client } = await createPublicCodeClient();
      const { browser } = await signedInBrowser();
      await onPage(browser, (await codeRequest(client)).path);
      const request = hiddenField(browser, 'authorization_request');
      return {
        browser,
        action: '/oauth/authorize/consent',
        fields: { authorization_request: request, decision: 'allow' },
      };
    },
  },
  {
    name: 'logout confirmation',
    async open() {
      const { browser } = await signedInBrowser();
      await onPage(browser, withQuery('/oauth/logout', {}));
      return {
        browser,
        action: '/oauth/logout/confirm',
        fields: { logout_request: hiddenField(browser, 'logout_request') },
      };
    },
  },
  {
    name: 'new application',
    async open() {
      const { browser } = await signedInBrowser();
      return {
        browser: await onPage(browser, '/account/applications/new'),
        action: '/account/applications/new',
        fields: { name: 'Forged', type: 'confidential', 'grant_type.client_credentials': 'on', 'scope.read': 'on' },
      };
    },
  },
  ...(['edit', 'rotate-secret', 'delete'] as const).map(
    (operation): Form => ({
      name: `application ${operation}`,
      async open() {
        const { browser, user } = await signedInBrowser();
        const { client } = await createTestClient({ ownerUserId: user.id, name: 'Owned' });
        const base = `/account/applications/${client.id}`;
        await onPage(browser, base);
        const action = operation === 'edit' ? base : `${base}/${operation}`;
        const fields: Record<string, string> =
          operation === 'edit'
            ? { name: 'Renamed', type: 'confidential', 'grant_type.client_credentials': 'on', 'scope.read': 'on' }
            : operation === 'delete'
              ? { confirm: 'delete' }
              : {};
        return { browser, action, fields };
      },
    }),
  ),
  {
    name: 'authorization revocation',
    async open() {
      const { browser, user } = await signedInBrowser();
      const { client } = await createCodeClient();
      await storesFor(env.DB).consents.upsert({ userId: user.id, clientId: client.id, scopes: ['openid'] }, 1);
      return {
        browser: await onPage(browser, '/account/authorizations'),
        action: `/account/authorizations/${client.id}/revoke`,
        fields: {},
      };
    },
  },
];

/** Submits the forged request and asserts the refusal (403) and that no D1 row changed. */
async function expectRefused(send: () => Promise<Response>): Promise<void> {
  const before = await snapshotRows(env.DB, BOOKKEEPING_TABLES);
  const response = await send();
  expect(response.status).toBe(403);
  expect(response.headers.get('location')).toBeNull();
  expect(await snapshotRows(env.DB, BOOKKEEPING_TABLES)).toEqual(before);
}

const FORGERIES: Array<[string, SubmitOptions]> = [
  ['no CSRF token', { csrfToken: null }],
  ['a foreign Origin, with the right token', { origin: 'https://evil.example' }],
  ['Origin null (a sandboxed frame), with the right token', { origin: 'null' }],
  ['neither Origin nor Referer nor Sec-Fetch-Site, with the right token', { origin: null }],
  ['a token that is not a MAC at all', { csrfToken: 'A'.repeat(43) }],
];

describe.each(FORMS)('CSRF on the $name form (RFC 9700 §4.7, RFC 6819 §4.4.1.8)', (form) => {
  it('accepts the genuine submission (the control)', async () => {
    const { browser, action, fields } = await form.open();
    expect((await browser.submit(action, fields)).status).not.toBe(403);
  });

  it.each(FORGERIES)('refuses a submission with %s', async (_, options) => {
    const { browser, action, fields } = await form.open();
    await expectRefused(() => browser.submit(action, fields, options));
  });

  it('refuses the token of another browser’s session', async () => {
    const { browser, action, fields } = await form.open();
    const other = await form.open();
    await expectRefused(() => browser.submit(action, fields, { csrfToken: other.browser.csrfToken() }));
  });

  it.skipIf(form.name === 'sign-up')('refuses the same fields as a JSON body even from this origin', async () => {
    const { browser, action, fields } = await form.open();
    await expectRefused(() => browser.submitJson(action, { ...fields, csrf_token: browser.csrfToken() }));
  });

  // The JSON sign-up is an API that carries no ambient authority (it starts no session), so it is no CSRF target.
  it.skipIf(form.name === 'sign-up')('refuses the same fields as a JSON body from a foreign Origin', async () => {
    const { browser, action, fields } = await form.open();
    await expectRefused(() =>
      browser.submitJson(action, { ...fields, csrf_token: browser.csrfToken() }, { origin: 'https://evil.example' }),
    );
  });
});
