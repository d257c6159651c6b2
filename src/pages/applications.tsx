// The developer pages' list of a user's applications (issue 4), and the paths of the application pages.
import type { Client } from '../storage/types';
import { COPY } from './copy';
import { Layout } from './layout';

export const APPLICATIONS_PATH = '/account/applications';

/** The page of one application, or one of its actions (`rotate-secret`, `delete`). */
export function applicationPath(clientId: string, action?: 'rotate-secret' | 'delete'): string {
  const path = `${APPLICATIONS_PATH}/${encodeURIComponent(clientId)}`;
  return action ? `${path}/${action}` : path;
}

export function applicationName(client: Pick<Client, 'name'>): string {
  return client.name === '' ? COPY.applications.unnamed : client.name;
}

export function ApplicationsPage({ clients }: { clients: Client[] }) {
  const text = COPY.applications;
  return (
    <Layout title={text.title}>
      <p>{text.intro}</p>
      <p>
        <a class="button" href={`${APPLICATIONS_PATH}/new`}>
          {text.register}
        </a>
      </p>
      {clients.length === 0 ? (
        <p>{text.none}</p>
      ) : (
        <ul class="items">
          {clients.map((client) => (
            <li>
              <a href={applicationPath(client.id)}>{applicationName(client)}</a>
              <br />
              <span class="hint">
                {text.types[client.type]} · {text.clientId} <code>{client.id}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/account">{text.backToAccount}</a>
      </p>
    </Layout>
  );
}
