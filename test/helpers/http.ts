// Sends requests through the Worker's own fetch handler, as a deployed Worker would receive them, and reads the
// published signing keys as a relying party would.
import { exports } from 'cloudflare:workers';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { TEST_ISSUER } from './constants';

/** Where a test sends its requests: the Worker (send), or an app of createTestApp(). */
export type RequestSender = (path: string, init?: RequestInit) => Promise<Response> | Response;

export function send(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, TEST_ISSUER), init));
}

/** The issuer's JWKS as GET /.well-known/jwks.json publishes it, for jwtVerify. */
export async function publishedKeys(): Promise<JWTVerifyGetKey> {
  return createLocalJWKSet(await (await send('/.well-known/jwks.json')).json());
}

export function basicAuthorization(clientId: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`;
}

/** POSTs a form to the token endpoint (or another form endpoint) with optional extra headers. */
export function postForm(
  path: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  }
  return send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}
