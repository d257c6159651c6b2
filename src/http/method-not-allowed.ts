// Wrong methods on the protocol endpoints: 405 with Allow (RFC 9110 §15.5.6), as an RFC 6749 §5.2 JSON error, instead
// of the 404 of an unknown path. One handler per endpoint path, added after its routes, with Allow read from them.
import type { Hono } from 'hono';
import { OAuthError } from '../oauth/errors';
import type { AppEnv } from './context';

/**
 * Registers, for each path, a handler that answers every method no earlier route of that path answers. Hono runs the
 * matching handlers in registration order, so the endpoint's own routes answer first.
 */
export function answerWrongMethods(app: Hono<AppEnv>, paths: readonly string[]): void {
  for (const path of paths) {
    const allow = allowedMethods(app, path).join(', ');
    app.all(path, function methodNotAllowed(c) {
      // Page middleware of the endpoint may have asked for an HTML error; a protocol error is JSON.
      c.set('errorFormat', 'json');
      throw new OAuthError('invalid_request', `the ${c.req.method} method is not allowed here; use ${allow}`, {
        status: 405,
        headers: { Allow: allow },
      });
    });
  }
}

function allowedMethods(app: Hono<AppEnv>, path: string): string[] {
  const methods = app.routes
    .filter((route) => route.path === path && route.method !== 'ALL')
    .map(({ method }) => method);
  // Hono answers HEAD with the GET route (RFC 9110 §9.3.2).
  return [...new Set(methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])))];
}
