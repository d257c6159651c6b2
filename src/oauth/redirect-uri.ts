// Redirect URI rules for registration (RFC 7591 §2, RFC 9700 §2.1 and §4.1, OAuth 2.1 §2.3.1, RFC 8252 §7 and
// §8.4): absolute, https or loopback http or (native public clients) a private-use scheme, no fragment, no wildcard.
import { isLoopbackHost } from '../config';

export interface RedirectUriOptions {
  /** Private-use schemes (`com.example.app:/cb`, RFC 8252 §7.1) are for native apps, which are public clients. */
  allowPrivateUseScheme: boolean;
}

/** Why `uri` may not be registered as a redirect URI, or undefined when it may. */
export function redirectUriProblem(uri: string, { allowPrivateUseScheme }: RedirectUriOptions): string | undefined {
  if (!URL.canParse(uri)) return 'must be an absolute URI';
  // RFC 6749 §3.1.2: no fragment, not even an empty one, which URL would drop.
  if (uri.includes('#')) return 'must not contain a fragment';
  // Redirect URIs are compared exactly (RFC 9700 §4.1.3); a `*` would only invite the belief that it matches more.
  if (uri.includes('*')) return 'must not contain wildcards; redirect URIs are compared exactly';
  const url = new URL(uri);
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    // RFC 8252 §7.3, RFC 9700 §2.1: plain http only for the loopback interface.
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  if (!isPrivateUseScheme(url.protocol)) {
    return 'must use https, loopback http, or a private-use scheme in reverse domain name form (com.example.app:/callback)';
  }
  return allowPrivateUseScheme ? undefined : 'may use a private-use scheme only for public (native) clients';
}

export function isValidRedirectUri(uri: string, options: RedirectUriOptions): boolean {
  return redirectUriProblem(uri, options) === undefined;
}

/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it contains a period (`com.example.app:`). */
function isPrivateUseScheme(protocol: string): boolean {
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(protocol);
}

/**
 * Whether a requested redirect URI is one of the registered ones: exact string comparison (RFC 9700 §4.1.3), except
 * that for http on a loopback IP literal the port may differ, as native apps pick a free port at run time (RFC 8252
 * §7.3 "MUST allow any port"; `localhost` is not an IP literal and gets no such leniency, §8.3).
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const withoutPort = loopbackWithoutPort(requested);
  return withoutPort !== undefined && registered.some((uri) => loopbackWithoutPort(uri) === withoutPort);
}

function loopbackWithoutPort(uri: string): string | undefined {
  if (!URL.canParse(uri) || uri.includes('#')) return undefined;
  const url = new URL(uri);
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]')) return undefined;
  url.port = '';
  return url.href;
}
