// Redirect URI rules for registration (RFC 7591 §2, RFC 9700 §2.1 and §4.1, OAuth 2.1 §2.3.1, RFC 8252 §7 and
// §8.4): absolute, https or loopback http or (native public clients) a private-use scheme, no fragment, no wildcard.
import { isLoopbackHost } from '../config';

export interface RedirectUriOptions {
  /** Private-use schemes (`com.example.app:/cb`, RFC 8252 §7.1) are for native apps, which are public clients. */
  allowPrivateUseScheme: boolean;
}

// RFC 3986 §2 has no whitespace or control characters in a URI, and the WHATWG parser drops tabs and line breaks
// silently, so `https://app.example/cb\r\n` would parse, pass, and later break a Location header.
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** Why `uri` may not be registered as a URI (any URI metadata member), or undefined when it may. */
export function uriCharacterProblem(uri: string): string | undefined {
  return WHITESPACE_OR_CONTROL.test(uri) ? 'must not contain whitespace or control characters' : undefined;
}

/** Why `uri` may not be registered as a redirect URI, or undefined when it may. */
export function redirectUriProblem(uri: string, { allowPrivateUseScheme }: RedirectUriOptions): string | undefined {
  const characterProblem = uriCharacterProblem(uri);
  if (characterProblem) return characterProblem;
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
 * The registered redirect URI a requested one names, or undefined when it names none: exact string comparison (RFC
 * 9700 §4.1.3), except that for http on a loopback IP literal the port may differ, as native apps pick a free port at
 * run time (RFC 8252 §7.3 "MUST allow any port"; `localhost` is not an IP literal and gets no such leniency, §8.3).
 * Nothing else may differ: the strings are compared as sent, never after WHATWG normalisation, which would take
 * `HTTP://127.1:5/x/../cb` or a trailing line break for the registered URI. The answer is built from the
 * registered string, so what the server redirects to is never the raw input.
 */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (uriCharacterProblem(requested)) return undefined;
  if (registered.includes(requested)) return requested;
  const asked = splitLoopbackPort(requested);
  if (!asked) return undefined;
  for (const uri of registered) {
    const own = splitLoopbackPort(uri);
    if (own && own.origin === asked.origin && own.rest === asked.rest) {
      return `${own.origin}${asked.port === undefined ? '' : `:${asked.port}`}${own.rest}`;
    }
  }
  return undefined;
}

// `http://127.0.0.1` or `http://[::1]`, a port in canonical decimal (no leading zero), then a path or query or nothing.
const LOOPBACK_IP_URI = /^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(?::([1-9][0-9]{0,4}))?((?:[/?].*)?)$/s;
const MAX_PORT = 65535;

function splitLoopbackPort(uri: string): { origin: string; port: string | undefined; rest: string } | undefined {
  const match = LOOPBACK_IP_URI.exec(uri);
  if (!match) return undefined;
  const [, origin = '', port, rest = ''] = match;
  if (port !== undefined && Number(port) > MAX_PORT) return undefined;
  return { origin, port, rest };
}
