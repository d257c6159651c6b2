// GET /dev/outbox: the development outbox (MAILER=outbox), for reading the mail `npm start` would have sent. It
// answers only while ISSUER is not https: a deployed issuer's mail, with its live links, is never shown here.
import { Hono } from 'hono';
import { isLocalIssuer, type Config } from '../config';
import { OAuthError } from '../oauth/errors';
import { OutboxPage } from '../pages/dev-outbox';
import type { AppEnv } from './context';
import { htmlPage } from './middleware/html-page';

export const DEV_OUTBOX_PATH = '/dev/outbox';

/** How many of the latest messages the page lists. */
const OUTBOX_PAGE_MESSAGES = 50;

export const devOutboxPage = new Hono<AppEnv>().use(htmlPage()).get('/', async (c) => {
  if (!outboxPageEnabled(c.get('config'))) throw new OAuthError('not_found', 'no such endpoint', { status: 404 });
  return c.html(<OutboxPage messages={await c.get('stores').outbox.listRecent(OUTBOX_PAGE_MESSAGES)} />);
});

function outboxPageEnabled(config: Config): boolean {
  return config.mail.transport === 'outbox' && isLocalIssuer(config.issuer);
}
