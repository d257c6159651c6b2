// The client's address, read in this one place for every limit (login throttle, password grant, registration and
// sign-up rate limits, the per-registrant cap under the open policy).
//
// CF-Connecting-IP is set by Cloudflare's edge on every request it proxies, overwriting any value the client sent, so
// in production it is the real client address. Local `wrangler dev` (npm start) has no edge: it passes a
// client-sent CF-Connecting-IP through unchanged, so locally the address is whatever the client claims, and
// absent unless it sends one. Other headers (X-Forwarded-For, X-Real-IP, True-Client-IP) are never read.
import type { Context } from 'hono';

/** The unit limits count this request's client by (see addressBlock), or undefined when it has no address. */
export function clientAddress(c: Context): string | undefined {
  const header = connectingAddress(c);
  return header ? addressBlock(header) : undefined;
}

/** The address as Cloudflare reports it, whole: what audit events record (limits count by addressBlock). */
export function connectingAddress(c: Context): string | undefined {
  return c.req.header('cf-connecting-ip');
}

/**
 * The unit one client controls: an IPv4 address, or the /64 of an IPv6 address (one customer usually gets a whole
 * /64, so counting single IPv6 addresses would be trivially bypassed). Cloudflare sends canonical addresses; any
 * other form is counted as it is.
 */
export function addressBlock(address: string): string {
  const trimmed = address.trim().toLowerCase().slice(0, 64);
  const halves = trimmed.split('::');
  if (!trimmed.includes(':') || trimmed.includes('.') || halves.length > 2) return trimmed;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  const zeros = Array<string>(Math.max(8 - head.length - tail.length, 0)).fill('0');
  const prefix = [...head, ...zeros, ...tail].slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}
