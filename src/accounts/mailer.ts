// The one small mailer interface, and the choice of transport by configuration (MAILER): the development outbox, or
// Cloudflare's Email Service binding in production (docs/accounts.md "Email and password reset").
import type { MailConfig } from '../config';
import type { OutboxStore } from '../storage/types';

/** A plain-text message to one recipient. The only secret a body may hold is the single-use link it delivers. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends (or, in development, keeps) the message; throws when the transport refuses it. */
  send(message: MailMessage): Promise<void>;
}

/** What the transports need from the Worker: the outbox table, the EMAIL binding, and whether the issuer is local. */
export interface MailerContext {
  outbox: OutboxStore;
  emailBinding: SendEmail | undefined;
  /** False with an https ISSUER: the outbox then logs no message body, as its page is off. */
  localIssuer: boolean;
}

export function mailerFor(config: MailConfig, context: MailerContext): Mailer {
  return config.transport === 'cloudflare'
    ? cloudflareMailer(context.emailBinding, config.from!)
    : outboxMailer(context.outbox, context.localIssuer);
}

/** Email Service's Workers API: `send()` with structured fields; the binding restricts senders and recipients. */
function cloudflareMailer(binding: SendEmail | undefined, from: string): Mailer {
  return {
    async send({ to, subject, text }) {
      if (!binding) throw new Error('MAILER is "cloudflare" but the Worker has no EMAIL send_email binding');
      await binding.send({ from, to, subject, text });
    },
  };
}

/** Keeps each message in D1 for /dev/outbox and logs it, so `npm start`'s terminal shows the link too. */
function outboxMailer(outbox: OutboxStore, localIssuer: boolean): Mailer {
  return {
    async send(message) {
      await outbox.record({ id: crypto.randomUUID(), ...message, createdAt: Math.floor(Date.now() / 1000) });
      if (localIssuer) console.log(`[outbox] to ${message.to}: ${message.subject}\n${message.text}`);
      else console.warn('[outbox] mail kept, not sent: MAILER=outbox with an https ISSUER (set MAILER=cloudflare)');
    },
  };
}
