// Fetching Client ID Metadata Documents safely (draft-ietf-oauth-client-id-metadata-document §6, SSRF): https only,
// redirects refused, no private or loopback address literal (names resolving to one are stopped in production by the
// `global_fetch_strictly_public` compatibility flag, wrangler.toml), a size cap, a time limit, and a cache lifetime
// from the response's Cache-Control within fixed bounds. A document's jwks_uri is held to the same address rules.
import type { Client } from '../storage/types';
import { documentError, isMetadataDocumentUrl } from './client-id-metadata-document';

/** Documents are small JSON objects; the draft suggests 5 KB. */
export const METADATA_DOCUMENT_MAX_BYTES = 5 * 1024;
/** A document server slower than this is refused, so an authorization request is not held up. */
export const METADATA_DOCUMENT_TIMEOUT_MS = 3000;
/** Kept at most this long whatever Cache-Control says, and this long when it says nothing. */
export const METADATA_DOCUMENT_MAX_CACHE_SECONDS = 24 * 3600;
export const METADATA_DOCUMENT_DEFAULT_CACHE_SECONDS = 300;

export interface DocumentFetchOptions {
  fetch: (request: Request) => Promise<Response>;
  /** Local development only (CLIENT_METADATA_DOCUMENTS_ALLOW_LOCALHOST): http://localhost documents. */
  allowLoopbackHttp: boolean;
  timeoutMs?: number;
}

export interface FetchedDocument {
  document: unknown;
  /** How long the document may be reused; 0 for `no-store` / `no-cache`. */
  cacheSeconds: number;
}

export async function fetchMetadataDocument(url: string, options: DocumentFetchOptions): Promise<FetchedDocument> {
  if (!isMetadataDocumentUrl(url, options.allowLoopbackHttp)) throw documentError(url, 'is not an https URL');
  if (isRefusedAddress(new URL(url).hostname, options.allowLoopbackHttp)) {
    throw documentError(url, 'is on a private or loopback address');
  }
  let response: Response;
  try {
    response = await options.fetch(
      new Request(url, {
        headers: { Accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? METADATA_DOCUMENT_TIMEOUT_MS),
      }),
    );
  } catch {
    throw documentError(url, 'could not be fetched in time');
  }
  if (response.status >= 300 && response.status < 400) throw documentError(url, 'redirects, which is not followed');
  if (response.status !== 200) throw documentError(url, `answered ${response.status}`);
  const text = await readCapped(response, url);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw documentError(url, 'is not JSON');
  }
  return { document, cacheSeconds: cacheSecondsOf(response.headers.get('cache-control')) };
}

async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > METADATA_DOCUMENT_MAX_BYTES || !response.body) {
    await response.body?.cancel();
    if (declared > METADATA_DOCUMENT_MAX_BYTES) throw documentError(url, 'is too large');
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw documentError(url, 'could not be fetched in time');
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > METADATA_DOCUMENT_MAX_BYTES) {
      await reader.cancel();
      throw documentError(url, 'is too large');
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function cacheSecondsOf(cacheControl: string | null): number {
  const directives = (cacheControl ?? '').toLowerCase();
  if (/(^|[\s,])(no-store|no-cache)([\s,=]|$)/.test(directives)) return 0;
  const maxAge = /(^|[\s,])max-age=(\d+)/.exec(directives)?.[2];
  if (maxAge === undefined) return METADATA_DOCUMENT_DEFAULT_CACHE_SECONDS;
  return Math.min(Number(maxAge), METADATA_DOCUMENT_MAX_CACHE_SECONDS);
}

/**
 * The `jwks_uri` of a document client is fetched (oauth/client-jwks.ts: no redirects, size and time limits) only
 * under the document's own rules: https (http only to loopback in local development) and no private address literal,
 * checked when the document is validated, so a refused one never becomes a client.
 */
export function assertDocumentJwksUriAllowed(client: Client, allowLoopbackHttp: boolean): void {
  const uri = client.metadata.jwks_uri;
  if (typeof uri !== 'string') return;
  const { protocol, hostname } = new URL(uri);
  if (protocol !== 'https:' && !(allowLoopbackHttp && protocol === 'http:' && isLoopback(hostname))) {
    throw documentError(client.id, 'has a jwks_uri that is not https');
  }
  if (isRefusedAddress(hostname, allowLoopbackHttp)) {
    throw documentError(client.id, 'has a jwks_uri on a private or loopback address');
  }
}

/** Not a public address, and not the loopback that local development (allowLoopbackHttp) allows. */
function isRefusedAddress(hostname: string, allowLoopbackHttp: boolean): boolean {
  return isPrivateAddressLiteral(hostname) && !(allowLoopbackHttp && isLoopback(hostname));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}

/** An IP literal (or localhost) that is not a public address: loopback, private, link-local, CGNAT, unspecified. */
export function isPrivateAddressLiteral(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname.startsWith('[')) {
    const ip = hostname.slice(1, -1).toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
    if (mapped) return isPrivateIpv4(mapped);
    return ip === '::1' || ip === '::' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip) || ip.startsWith('::ffff:');
  }
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) && isPrivateIpv4(hostname);
}

function isPrivateIpv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}
