// RFC 6749 §5.1: responses carrying tokens or credentials must not be cached.
import type { MiddlewareHandler } from 'hono';

export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function noStore(): MiddlewareHandler {
  return async function noStoreMiddleware(c, next) {
    await next();
    const { headers } = c.res;
    headers.set('Cache-Control', NO_STORE_HEADERS['Cache-Control']);
    headers.set('Pragma', NO_STORE_HEADERS.Pragma);
  };
}
