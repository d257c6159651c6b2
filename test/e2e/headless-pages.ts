// A headless user agent for the issuer's own pages, in Node: a cookie jar, same-origin redirects followed, and form
// posts carrying the page's csrf_token and hidden fields with a same-origin Origin, as a browser submits them. For
// end-to-end tests whose client library hands the test an authorization URL (the MCP SDK's redirectToAuthorization).
type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export class HeadlessPages {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly fetcher: Fetcher) {}

  /**
   * Opens an authorization URL, signs in on the login page and allows on the consent page (when shown); returns
   * the redirect back to the client, whose Location carries the code (or error), state and iss.
   */
  async authorize(authorizationUrl: string, credentials: { username: string; password: string }): Promise<URL> {
    const { origin } = new URL(authorizationUrl);
    let response = await this.follow(authorizationUrl, origin);
    let page = await response.text();
    if (page.includes('name="password"')) {
      response = await this.submit(`${origin}/login`, page, credentials);
      page = await response.text();
    }
    if (page.includes('action="/oauth/authorize/consent"')) {
      response = await this.submit(`${origin}/oauth/authorize/consent`, page, { decision: 'allow' });
    }
    const location = response.headers.get('location');
    if (location === null) throw new Error(`expected a redirect to the client, got ${response.status}: ${page}`);
    return new URL(location, origin);
  }

  /** The last consent page shown, for assertions on what the user was asked. */
  consentPage = '';

  private async submit(url: string, page: string, fields: Record<string, string>): Promise<Response> {
    const form = new URLSearchParams(hiddenFields(formPosting(page, new URL(url).pathname)));
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    const { origin } = new URL(url);
    const response = await this.send(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: origin,
        'Sec-Fetch-Site': 'same-origin',
      },
      body: form.toString(),
    });
    return this.followFrom(response, origin);
  }

  private async follow(url: string, origin: string): Promise<Response> {
    return this.followFrom(await this.send(url, { method: 'GET' }), origin);
  }

  /** Follows redirects within `origin`; a redirect elsewhere (the client's redirect URI) is returned as is. */
  private async followFrom(first: Response, origin: string): Promise<Response> {
    let response = first;
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) break;
      const target = new URL(location, origin);
      if (target.origin !== origin) break;
      response = await this.send(target.toString(), { method: 'GET' });
    }
    if (response.headers.get('content-type')?.startsWith('text/html')) {
      const page = await response.clone().text();
      if (page.includes('action="/oauth/authorize/consent"')) this.consentPage = page;
    }
    return response;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await this.fetcher(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      if (/max-age=(0|-\d+)/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1).trim());
    }
    return response;
  }
}

/** The page's hidden inputs (csrf_token, return_to, authorization_request), unescaped. */
/** The markup of the page's form that posts to `action`: a page may hold several (the login page's passkey form). */
function formPosting(page: string, action: string): string {
  const start = page.lastIndexOf('<form ', page.indexOf(`action="${action}"`));
  if (!page.includes(`action="${action}"`) || start === -1)
    throw new Error(`the page has no form posting to ${action}`);
  return page.slice(start, page.indexOf('</form>', start));
}

function hiddenFields(page: string): Array<[string, string]> {
  return [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, name = '', value = '']) => [
    name,
    value
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&'),
  ]);
}
