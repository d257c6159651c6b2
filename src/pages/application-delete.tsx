// The confirmation page before an application is deleted: deleting cascades to its tokens and consents, so it is
// never one click away from the application's page.
import type { Client } from '../storage/types';
import { applicationName, applicationPath } from './applications';
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

/** The hidden field that says the confirmation page was seen (http/account-applications.tsx). */
export const DELETE_CONFIRMATION = { name: 'confirm', value: 'delete' } as const;

export function DeleteApplicationPage({ client, csrfToken }: { client: Client; csrfToken: string }) {
  const text = COPY.applications;
  return (
    <Layout title={text.deleteTitle(applicationName(client))}>
      <p class="warning">{text.deleteWarning}</p>
      <form method="post" action={applicationPath(client.id, 'delete')}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name={DELETE_CONFIRMATION.name} value={DELETE_CONFIRMATION.value} />
        <button type="submit" class="danger">
          {text.deleteConfirm}
        </button>
      </form>
      <p>
        <a href={applicationPath(client.id)}>{text.cancel}</a>
      </p>
    </Layout>
  );
}
