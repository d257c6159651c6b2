// Mail to users from the pages: the per-address and per-recipient limits, the messages (copy table), the links (on
// the configured issuer's origin, never the request's Host), and the sending, handed to waitUntil so that whether a
// message goes out adds nothing to the response time.
import type { Context } from 'hono';
import { issueEmailToken } from '../accounts/email-links';
import { mailerFor } from '../accounts/mailer';
import { isLocalIssuer } from '../config';
import { countRequest } from '../oauth/rate-limit';
import { COPY } from '../pages/copy';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { deferToContext } from './audit';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { logId } from './log-id';

export const EMAIL_VERIFY_PATH = '/email/verify';
export const PASSWORD_RESET_PATH = '/password-reset';
export const PASSWORD_RESET_FORM_PATH = `${PASSWORD_RESET_PATH}/new`;

/** How many accounts sharing one verified address get a reset link each. */
export const RESET_ACCOUNTS_PER_ADDRESS = 5;

export type MailQuota =
  | { outcome: 'ok' }
  | { outcome: 'recipient-limited' }
  | { outcome: 'address-limited'; retryAfterSeconds: number };

/**
 * Counts one message against this client's address and against the recipient, both always (an unknown recipient
 * costs what a known one does). The recipient is counted in lower case, as addresses compare.
 */
export async function reserveMailQuota(c: Context<AppEnv>, recipient: string): Promise<MailQuota> {
  const { rateLimits } = c.get('stores');
  const { perAddress, perRecipient } = c.get('config').mail;
  const [byAddress, byRecipient] = await Promise.all([
    countRequest(rateLimits, `mail:ip:${clientAddress(c) ?? 'unknown'}`, perAddress),
    countRequest(rateLimits, `mail:to:${recipient.toLowerCase()}`, perRecipient),
  ]);
  if (byAddress !== null) return { outcome: 'address-limited', retryAfterSeconds: byAddress };
  return { outcome: byRecipient === null ? 'ok' : 'recipient-limited' };
}

/** Mails a confirmation link for the user's address, if the limits allow; says what they allowed. */
export async function mailVerificationLink(
  c: Context<AppEnv>,
  user: Pick<User, 'id' | 'username'>,
  email: string,
): Promise<MailQuota> {
  const quota = await reserveMailQuota(c, email);
  if (quota.outcome === 'ok') sendLinks(c, [{ user, email, purpose: 'verify_email', path: EMAIL_VERIFY_PATH }]);
  return quota;
}

/** Mails a reset link to each of these accounts at their verified address (the caller reserved the quota). */
export function sendPasswordResetLinks(c: Context<AppEnv>, users: User[]): void {
  sendLinks(
    c,
    users.flatMap((user) =>
      user.email
        ? [{ user, email: user.email, purpose: 'reset_password' as const, path: PASSWORD_RESET_FORM_PATH }]
        : [],
    ),
  );
}

interface LinkMail {
  user: Pick<User, 'id' | 'username'>;
  email: string;
  purpose: 'verify_email' | 'reset_password';
  path: string;
}

function sendLinks(c: Context<AppEnv>, mails: LinkMail[]): void {
  if (mails.length === 0) return;
  const config = c.get('config');
  const stores = c.get('stores');
  const issuer = config.issuer;
  const localIssuer = isLocalIssuer(issuer);
  const mailer = mailerFor(config.mail, { outbox: stores.outbox, emailBinding: c.env.EMAIL, localIssuer });
  const requestId = logId(c);
  const work = Promise.all(
    mails.map(async ({ user, email, purpose, path }) => {
      // The issuer's origin only: a link built from the Host header would let a forged request point it elsewhere.
      if (issuer === undefined) throw new Error('ISSUER must be set for mailed links');
      const token = await issueEmailToken(stores.emailTokens, { userId: user.id, purpose, email }, epochSeconds());
      const link = `${issuer}${path}?token=${token}`;
      const copy = COPY.email;
      await mailer.send(
        purpose === 'verify_email'
          ? { to: email, subject: copy.verificationSubject, text: copy.verificationBody(user.username, link) }
          : { to: email, subject: copy.resetSubject, text: copy.resetBody(user.username, link) },
      );
    }),
  ).catch((error: unknown) => console.error(`[${requestId}] mail not sent`, error));
  deferToContext(c, work);
}
