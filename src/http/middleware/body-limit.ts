// The request body limit, checked before any route reads a body. Its 413 has the shape of the route's other errors:
// an HTML error page on the page routes (a browser posted a form there), JSON on the protocol endpoints.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { OAuthError } from '../../oauth/errors';
import type { AppEnv } from '../context';
import { renderErrorsAsPages } from './html-page';

/** Every form and JSON body we accept is a few KiB; this leaves room for a large signed request object. */
export const MAX_BODY_BYTES = 64 * 1024;

/** `pagePaths`: the mount points of the page routes (each also runs htmlPage(), too late for this check). */
export function requestBodyLimit(pagePaths: readonly string[]): MiddlewareHandler<AppEnv> {
  const isPage = (path: string) => pagePaths.some((page) => path === page || path.startsWith(`${page}/`));
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      if (isPage(c.req.path)) renderErrorsAsPages(c);
      throw new OAuthError('invalid_request', `the request body exceeds ${MAX_BODY_BYTES} bytes`, { status: 413 });
    },
  });
}
