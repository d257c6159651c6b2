// Marks a route as an HTML page: its errors render as error pages (app.ts onError), and its HTML responses get the
// page Content-Security-Policy and no-store, since every page may carry a CSRF token or personal data.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { generateOpaqueToken } from '../../tokens/opaque';
import { isJsonRequest } from '../media-type';
import { NO_STORE_HEADERS } from './no-store';

/**
 * Pages load only their own stylesheet, run no script (but an inline one carrying this response's nonce), post
 * forms only to this origin, and are never framed (clickjacking, RFC 6749 §10.13). `base-uri 'none'` stops an
 * injected <base> from redirecting relative form actions.
 */
export function pageContentSecurityPolicy(
  formActionOrigins: readonly string[] = [],
  scriptNonce?: string,
  imageOrigins: readonly string[] = [],
  connectToSelf = false,
): string {
  return [
    "default-src 'none'",
    ...(scriptNonce === undefined ? [] : [`script-src 'nonce-${scriptNonce}'`]),
    ...(connectToSelf ? ["connect-src 'self'"] : []),
    "style-src 'self'",
    ["img-src 'self'", ...imageOrigins].join(' '),
    ["form-action 'self'", ...formActionOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The headers of an HTML page: its CSP, and Origin-Agent-Cluster. */
export function pageHeaders(c?: Context<AppEnv>): Record<string, string> {
  return {
    'Content-Security-Policy': pageContentSecurityPolicy(
      c?.get('formActionOrigins'),
      c?.get('scriptNonce'),
      c?.get('imageOrigins'),
      c?.get('connectToSelf'),
    ),
    // Keeps document.domain from widening this page's origin to a parent domain's (HTML §7.2 origin-keyed clusters).
    'Origin-Agent-Cluster': '?1',
  };
}

/** This request's errors become error pages (app.ts onError); the JSON sign-up shares its route and stays JSON. */
export function renderErrorsAsPages(c: Context<AppEnv>): void {
  if (!isJsonRequest(c)) c.set('errorFormat', 'html');
}

export function htmlPage(): MiddlewareHandler<AppEnv> {
  return async function htmlPageMiddleware(c, next) {
    renderErrorsAsPages(c);
    await next();
    for (const [name, value] of Object.entries(NO_STORE_HEADERS)) c.res.headers.set(name, value);
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      for (const [name, value] of Object.entries(pageHeaders(c))) c.res.headers.set(name, value);
    }
  };
}

/**
 * Lets this page's form lead to another origin. Browsers apply form-action to the redirects that follow a form
 * post too, so a consent form that answers with a redirect to the client must allow the client's redirect URI.
 */
export function allowFormActionTo(c: Context<AppEnv>, url: string): void {
  const { origin, protocol } = new URL(url);
  // A private-use scheme (RFC 8252 §7.1) has no origin; CSP names it as a scheme source, `com.example.app:`.
  c.set('formActionOrigins', [...(c.get('formActionOrigins') ?? []), origin === 'null' ? protocol : origin]);
}

/** Lets this page show an image from another origin: only https, so a page never mixes in insecure content. */
export function allowImageFrom(c: Context<AppEnv>, url: string): boolean {
  if (!URL.canParse(url) || new URL(url).protocol !== 'https:') return false;
  c.set('imageOrigins', [...(c.get('imageOrigins') ?? []), new URL(url).origin]);
  return true;
}

/**
 * Lets this page run the inline scripts that carry the returned nonce (CSP3 §7.2 nonce-source), a fresh one per
 * response. For small progressive enhancements only: every page must work without them.
 */
export function allowInlineScript(c: Context<AppEnv>): string {
  let nonce = c.get('scriptNonce');
  if (nonce === undefined) {
    nonce = generateOpaqueToken(16);
    c.set('scriptNonce', nonce);
  }
  return nonce;
}

/** Lets this page's scripts fetch from this origin (CSP connect-src 'self'): the passkey forms fetch their options. */
export function allowFetchToSelf(c: Context<AppEnv>): void {
  c.set('connectToSelf', true);
}
