// A minimal browser over send(): a cookie jar, the last HTML page, and form posts that carry the page's CSRF token
// and a same-origin Origin, as a real browser would. For the page flows (login, sign-up, consent, developer pages).
import { expect } from 'vitest';
import { TEST_ISSUER } from './constants';
import { send, type RequestSender } from './http';

export interface SubmitOptions {
  /**
   * The Origin header; default the issuer's origin. A foreign one also sends `Sec-Fetch-Site: cross-site`; null sends
   * neither header (nor a Referer), as an old or privacy-stripping browser would.
   */
  origin?: string | null;
  /** The csrf_token field; default the one in the last page. null sends none. */
  csrfToken?: string | null;
  /** Follow same-origin redirects (see follow()). Default false: the redirect itself is returned. */
  follow?: boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303]);

export class TestBrowser {
  /** Sent as CF-Connecting-IP: a random private IPv4 address per browser, so throttling tests do not collide. */
  readonly clientIp: string;
  private readonly cookies = new Map<string, string>();
  private readonly sender: RequestSender;
  private lastHtml = '';

  /** `send` replaces the Worker's fetch handler, e.g. with an app of createTestApp() (its own D1 binding). */
  constructor(options: { clientIp?: string; send?: RequestSender } = {}) {
    this.clientIp = options.clientIp ?? `10.${randomByte()}.${randomByte()}.${randomByte()}`;
    this.sender = options.send ?? send;
  }

  /** GETs a path on the issuer (or an absolute issuer URL), keeping cookies and the HTML of the page. */
  async get(path: string, options: { follow?: boolean } = {}): Promise<Response> {
    const response = await this.fetch(path, { method: 'GET' });
    return options.follow ? this.follow(response) : response;
  }

  /**
   * POSTs an application/x-www-form-urlencoded form as a browser submitting the last page would: with its cookies,
   * the page's csrf_token (unless `fields` or `options` set it) and `Origin: <issuer>`.
   */
  async submit(
    path: string,
    fields: Record<string, string | string[]>,
    options: SubmitOptions = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    const token = options.csrfToken === undefined ? this.csrfToken() : options.csrfToken;
    if (token !== null && !('csrf_token' in fields)) body.append('csrf_token', token);
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    const response = await this.fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...originHeaders(options.origin) },
      body,
    });
    return options.follow ? this.follow(response) : response;
  }

  /** POSTs `fields` as an application/json body with this browser's cookies (what a CSRF attacker might try). */
  submitJson(path: string, fields: Record<string, unknown>, options: Pick<SubmitOptions, 'origin'> = {}) {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...originHeaders(options.origin) },
      body: JSON.stringify(fields),
    });
  }

  /**
   * POSTs `body` as application/json with the browser's cookies, as a script's fetch() would, from `origin` (default
   * the issuer's). No csrf_token is added: a JSON body has no form field to carry it.
   */
  postJson(path: string, body: unknown, options: { origin?: string } = {}): Promise<Response> {
    const origin = options.origin ?? new URL(TEST_ISSUER).origin;
    return this.fetch(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: origin,
        'Sec-Fetch-Site': origin === new URL(TEST_ISSUER).origin ? 'same-origin' : 'cross-site',
      },
      body: JSON.stringify(body),
    });
  }

  /**
   * Follows 301/302/303 redirects within the issuer with GET, as browsers do, and returns the first response that
   * is not such a redirect: a page, or a redirect to another origin (a client's redirect_uri) left for the test.
   */
  async follow(response: Response): Promise<Response> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (!REDIRECT_STATUSES.has(current.status) || location === null) return current;
      const target = new URL(location, TEST_ISSUER);
      if (target.origin !== new URL(TEST_ISSUER).origin) return current;
      current = await this.fetch(target.toString(), { method: 'GET' });
    }
    throw new Error('too many redirects');
  }

  /** The value of a cookie in the jar. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The csrf_token hidden field of the last HTML page; fails the test when there is none. */
  csrfToken(): string {
    const token = /<input[^>]*name="csrf_token"[^>]*value="([^"]+)"/.exec(this.lastHtml)?.[1];
    expect(token, 'the last page has no csrf_token field').toBeDefined();
    return token!;
  }

  /** The last HTML page received. */
  get html(): string {
    return this.lastHtml;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('CF-Connecting-IP', this.clientIp);
    if (this.cookies.size > 0)
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    // manual: send() goes through a service binding, which would otherwise follow redirects itself.
    const response = await this.sender(path, { ...init, headers, redirect: 'manual' });
    this.store(response.headers.getSetCookie());
    if (response.headers.get('content-type')?.startsWith('text/html')) this.lastHtml = await response.clone().text();
    return response;
  }

  private store(setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const expired = attributes.some((attribute) => /^max-age=(0|-\d+)$/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1));
    }
  }
}

/** Signs in through the login form; returns the login POST's response (a 303 to `returnTo` on success). */
export async function loginAs(
  browser: TestBrowser,
  username: string,
  password: string,
  returnTo = '/account',
): Promise<Response> {
  await browser.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
  return browser.submit('/login', { username, password, return_to: returnTo });
}

function originHeaders(option: string | null | undefined): Record<string, string> {
  if (option === null) return {};
  const origin = option ?? new URL(TEST_ISSUER).origin;
  return { Origin: origin, 'Sec-Fetch-Site': origin === new URL(TEST_ISSUER).origin ? 'same-origin' : 'cross-site' };
}

function randomByte(): number {
  return crypto.getRandomValues(new Uint8Array(1))[0]!;
}
