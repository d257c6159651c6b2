// The page that shows a client secret, once: right after an application is registered or its secret rotated. The
// secret sits in a read-only field, so it can be copied without JavaScript; a nonce'd inline script adds a copy button.
import { raw } from 'hono/html';
import type { Client } from '../storage/types';
import { applicationPath } from './applications';
import { COPY } from './copy';
import { Layout } from './layout';

// Shows the copy button (hidden without JavaScript) and copies the field it names. Kept tiny and free of any data.
const COPY_BUTTON_SCRIPT = `for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.addEventListener('click', async () => {
    field.select();
    await navigator.clipboard.writeText(field.value);
    button.textContent = button.dataset.copied;
  });
}`;

export interface ApplicationSecretPageProps {
  client: Pick<Client, 'id'>;
  secret: string;
  /** Why there is a new secret: the application was registered, its secret rotated, or it became confidential. */
  reason: 'created' | 'rotated' | 'issued';
  /** The CSP nonce of this response (http/middleware/html-page.ts allowInlineScript). */
  scriptNonce: string;
}

const TITLES = {
  created: COPY.applications.createdTitle,
  rotated: COPY.applications.rotatedTitle,
  issued: COPY.applications.issuedTitle,
};

export function ApplicationSecretPage({ client, secret, reason, scriptNonce }: ApplicationSecretPageProps) {
  const text = COPY.applications;
  return (
    <Layout title={TITLES[reason]}>
      {reason === 'rotated' ? (
        <p class="notice" role="status">
          {text.rotatedNotice}
        </p>
      ) : null}
      <p class="warning" role="alert">
        {text.secretWarning}
      </p>
      <div class="fields">
        <label for="client-id">{text.clientId}</label>
        <input id="client-id" type="text" value={client.id} readonly />
        <label for="client-secret">{text.clientSecret}</label>
        <input id="client-secret" type="text" value={secret} readonly autocomplete="off" spellcheck={false} />
        <button type="button" class="secondary" data-copy="client-secret" data-copied={text.copied} hidden>
          {text.copy}
        </button>
      </div>
      <p>
        <a href={applicationPath(client.id)}>{text.continue}</a>
      </p>
      <script nonce={scriptNonce}>{raw(COPY_BUTTON_SCRIPT)}</script>
    </Layout>
  );
}
