// GET /assets/style.css: the pages' one stylesheet, cacheable, so page CSP can allow `style-src 'self'` only.
import { Hono } from 'hono';
import { STYLESHEET } from '../pages/style';
import type { AppEnv } from './context';

/** An hour: short enough that a restyle shows up the same day without fingerprinted file names. */
const STYLESHEET_MAX_AGE_SECONDS = 60 * 60;

export const stylesheet = new Hono<AppEnv>().get('/', (c) =>
  c.body(STYLESHEET, 200, {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': `public, max-age=${STYLESHEET_MAX_AGE_SECONDS}`,
  }),
);
