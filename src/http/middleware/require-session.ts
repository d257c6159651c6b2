// Page routes for signed-in users only. Without a live session the browser is sent to the login page, which brings
// it back afterwards: to the page it asked for, or for a form post (which cannot be replayed) to `fallbackPath`.
import type { Context, MiddlewareHandler } from 'hono';
import type { User } from '../../storage/types';
import type { AppEnv } from '../context';
import { loginUrl } from '../return-to';
import { currentSession } from './session';

export function requireSession(fallbackPath: string): MiddlewareHandler<AppEnv> {
  return async function requireSessionMiddleware(c, next) {
    if (await currentSession(c)) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD')
      return c.redirect(loginUrl(`${c.req.path}${new URL(c.req.url).search}`), 302);
    return c.redirect(loginUrl(fallbackPath), 303);
  };
}

/** The signed-in user, on a route behind requireSession. */
export async function sessionUser(c: Context<AppEnv>): Promise<User> {
  const session = await currentSession(c);
  if (!session) throw new Error('sessionUser() needs requireSession() in front of the route');
  return session.user;
}
