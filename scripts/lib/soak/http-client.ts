// The soak's HTTP side: a browser-like session (cookie jar, CSRF token, same-origin form posts) and the OAuth
// requests a client makes, against a running issuer. Plain fetch, nothing of the server's code.

export class SoakBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly issuer: string) {}

  async get(path: string): Promise<{ response: Response; html: string }> {
    const response = await this.fetch(path, { method: 'GET' });
    return { response, html: await response.text() };
  }

  async submit(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await this.fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.issuer },
      body: new URLSearchParams(fields),
    });
    await response.body?.cancel();
    return response;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(new URL(path, this.issuer), { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
    return response;
  }
}

/** The value of a hidden field, unescaped as a browser would. */
export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${name} field on the page`);
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

export interface ClientCredentials {
  clientId: string;
  secret: string;
}

export function basic({ clientId, secret }: ClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs a form to an endpoint as a confidential client (client_secret_basic); the status and the JSON body. */
export async function postAsClient(
  issuer: string,
  client: ClientCredentials,
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(path, issuer), {
    method: 'POST',
    headers: { Authorization: basic(client), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: await jsonBody(response) };
}

/** The JSON object of a response; {} for an empty body (RFC 7009 §2.2 answers a revocation with none). */
async function jsonBody(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function sendJson(
  issuer: string,
  path: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(path, issuer), {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await jsonBody(response) };
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: Buffer.from(digest).toString('base64url') };
}
