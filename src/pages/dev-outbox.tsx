// /dev/outbox: the mail the development mailer kept, newest first, with the links in it clickable.
import type { OutboxMessage } from '../storage/types';
import { COPY } from './copy';
import { Layout } from './layout';

const URL_PATTERN = /(https?:\/\/\S+)/;

export function OutboxPage({ messages }: { messages: OutboxMessage[] }) {
  const text = COPY.email;
  return (
    <Layout title={text.outboxTitle}>
      <p class="hint">{text.outboxIntro}</p>
      {messages.length === 0 ? <p>{text.outboxEmpty}</p> : null}
      {messages.map((message) => (
        <article class="outbox-message">
          <h2>{message.subject}</h2>
          <p>
            {text.outboxTo}: <span class="outbox-to">{message.to}</span> ·{' '}
            <time datetime={new Date(message.createdAt * 1000).toISOString()}>
              {new Date(message.createdAt * 1000).toISOString()}
            </time>
          </p>
          <pre>{linkify(message.text)}</pre>
        </article>
      ))}
    </Layout>
  );
}

/** The text with each URL as a link (split keeps the captured URLs at the odd indexes). */
function linkify(text: string) {
  return text.split(URL_PATTERN).map((part, index) => (index % 2 === 1 ? <a href={part}>{part}</a> : part));
}
