// /account/applications: the developer pages (issue 4). A signed-in user lists, registers, edits, rotates the secret
// of and deletes their own applications; the settings pass the same validation as POST /oauth/register (RFC 7591).
import { Hono, type Context } from 'hono';
import { defaultScopes, REGISTRABLE_OPENID_SCOPES } from '../oauth/registrable-scopes';
import { rotateClientSecret, type ClientWithSecret } from '../oauth/client-records';
import { OAuthError } from '../oauth/errors';
import { SUPPORTED_GRANT_TYPES } from '../oauth/grants';
import { createOwnedClient, findOwnedClient, updateOwnedClient, type OwnedClientContext } from '../oauth/owned-clients';
import { DELETE_CONFIRMATION, DeleteApplicationPage } from '../pages/application-delete';
import {
  applicationFieldsOf,
  EditApplicationPage,
  NewApplicationPage,
  type ApplicationChoices,
  type ApplicationFields,
} from '../pages/application-form';
import { ApplicationSecretPage, type ApplicationSecretPageProps } from '../pages/application-secret';
import { applicationPath, APPLICATIONS_PATH, ApplicationsPage } from '../pages/applications';
import type { Client } from '../storage/types';
import { readApplicationForm } from './application-form';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { allowInlineScript, htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';

/** What a new application starts with: a confidential web app of the code flow that signs people in. */
const NEW_APPLICATION: ApplicationFields = {
  name: '',
  type: 'confidential',
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: [],
  allowedOrigins: [],
  scopes: [],
  idTokenSigningAlg: null,
  userinfoSigningAlg: null,
};

type Page = Context<AppEnv>;

export const applicationPages = new Hono<AppEnv>()
  .use(htmlPage(), requireSession(APPLICATIONS_PATH), csrfProtection())
  .get('/', async (c) => {
    const user = await sessionUser(c);
    return c.html(<ApplicationsPage clients={await c.get('stores').clients.listByOwner(user.id)} />);
  })
  // Pre-checked: the scopes a client registered without `scope` gets (registrable-scopes.ts defaultScopes).
  .get('/new', (c) =>
    renderNew(c, { ...NEW_APPLICATION, scopes: defaultScopes(c.get('config').apiScopes, NEW_APPLICATION.grantTypes) }),
  )
  .post('/new', async (c) => {
    const user = await sessionUser(c);
    const fields = await readApplicationForm(c, choices(c));
    const outcome = await settingsOutcome(() => createOwnedClient(fields, user.id, ownedContext(c)));
    if ('problem' in outcome) return renderNew(c, fields, outcome.problem, outcome.status);
    audit(c, {
      type: 'client_created',
      userId: user.id,
      clientId: outcome.client.id,
      details: { via: 'developer_pages' },
    });
    // A public client has no secret to show: straight to its page.
    if (outcome.secret === undefined) return c.redirect(applicationPath(outcome.client.id), 303);
    return renderSecret(c, { client: outcome.client, secret: outcome.secret, reason: 'created' }, 201);
  })
  .get('/:id', async (c) => {
    const client = await ownedClient(c);
    return renderEdit(c, client, applicationFieldsOf(client), { saved: c.req.query('saved') !== undefined });
  })
  .post('/:id', async (c) => {
    const client = await ownedClient(c);
    const fields = await readApplicationForm(c, choices(c));
    const outcome = await settingsOutcome(() => updateOwnedClient(client, fields, ownedContext(c)));
    if ('problem' in outcome)
      return renderEdit(c, client, fields, { problem: outcome.problem, status: outcome.status });
    audit(c, {
      type: 'client_updated',
      userId: client.ownerUserId,
      clientId: client.id,
      details: { via: 'developer_pages' },
    });
    // A public client made confidential gets its first secret, shown this once.
    if (outcome.secret !== undefined)
      return renderSecret(c, { client: outcome.client, secret: outcome.secret, reason: 'issued' });
    return c.redirect(`${applicationPath(client.id)}?saved`, 303);
  })
  .post('/:id/rotate-secret', async (c) => {
    const rotated = await rotateClientSecret(await ownedClient(c), c.get('stores').clients);
    audit(c, {
      type: 'client_secret_rotated',
      userId: rotated.client.ownerUserId,
      clientId: rotated.client.id,
      details: { via: 'developer_pages' },
    });
    return renderSecret(c, { ...rotated, reason: 'rotated' });
  })
  .get('/:id/delete', async (c) =>
    c.html(<DeleteApplicationPage client={await ownedClient(c)} csrfToken={await csrfToken(c)} />),
  )
  .post('/:id/delete', async (c) => {
    const client = await ownedClient(c);
    // Only the confirmation page's form says it was seen; any other post to here gets that page first.
    if ((await readForm(c)).get(DELETE_CONFIRMATION.name) !== DELETE_CONFIRMATION.value) {
      return c.html(<DeleteApplicationPage client={client} csrfToken={await csrfToken(c)} />);
    }
    // Through the cached store, which forgets its copy: the client stops authenticating at once in this isolate.
    await c.get('stores').clients.delete(client.id);
    audit(c, {
      type: 'client_deleted',
      userId: client.ownerUserId,
      clientId: client.id,
      details: { via: 'developer_pages' },
    });
    return c.redirect(APPLICATIONS_PATH, 303);
  });

async function ownedClient(c: Page): Promise<Client> {
  return findOwnedClient(c.req.param('id') ?? '', (await sessionUser(c)).id, c.get('stores').clients);
}

function ownedContext(c: Page): OwnedClientContext {
  return {
    config: c.get('config'),
    clients: c.get('stores').clients,
    idTokenSigningAlgorithms: c.get('keys').algorithms,
  };
}

function choices(c: Page): ApplicationChoices {
  return {
    grantTypes: SUPPORTED_GRANT_TYPES,
    scopes: [...c.get('config').apiScopes, ...REGISTRABLE_OPENID_SCOPES],
    idTokenSigningAlgorithms: c.get('keys').algorithms,
  };
}

type SettingsOutcome = ClientWithSecret | { problem: string; status: 400 | 403 };

/** Validation errors (RFC 7591 §3.2.2) and the owner's cap are shown on the form; anything else is an error page. */
async function settingsOutcome(change: () => Promise<ClientWithSecret>): Promise<SettingsOutcome> {
  try {
    return await change();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.code === 'invalid_client_metadata' || error.code === 'invalid_redirect_uri')
      return { problem: error.description, status: 400 };
    if (error.code === 'access_denied') return { problem: error.description, status: 403 };
    throw error;
  }
}

async function renderNew(c: Page, values: ApplicationFields, problem?: string, status: 200 | 400 | 403 = 200) {
  return c.html(
    <NewApplicationPage csrfToken={await csrfToken(c)} values={values} choices={choices(c)} problem={problem} />,
    status,
  );
}

async function renderEdit(
  c: Page,
  client: Client,
  values: ApplicationFields,
  options: { saved?: boolean; problem?: string; status?: 400 | 403 },
) {
  const page = (
    <EditApplicationPage
      client={client}
      saved={options.saved ?? false}
      csrfToken={await csrfToken(c)}
      values={values}
      choices={choices(c)}
      problem={options.problem}
    />
  );
  return c.html(page, options.status ?? 200);
}

function renderSecret(c: Page, props: Omit<ApplicationSecretPageProps, 'scriptNonce'>, status: 200 | 201 = 200) {
  return c.html(<ApplicationSecretPage {...props} scriptNonce={allowInlineScript(c)} />, status);
}
