// `clients …` admin commands: list, create, update, delete, rotate-secret. Settings pass the validation of dynamic
// registration (src/oauth/client-settings.ts) and records are built by src/oauth/client-records.ts, as in the Worker.
import { parseScopeDefinitions } from '../../src/oauth/scope-definitions';
import { clientMetadataOf } from '../../src/oauth/client-metadata';
import {
  clientMetadataPolicy,
  createClientRecord,
  replaceClientMetadata,
  rotateClientSecret,
} from '../../src/oauth/client-records';
import { validateClientSettings, type ClientSettings } from '../../src/oauth/client-settings';
import type { Stores } from '../../src/storage/stores';
import type { Client } from '../../src/storage/types';
import { SIGNING_ALGORITHMS } from '../../src/tokens/keys';
import {
  CommandError,
  isoDate,
  listOption,
  parseCommandArgs,
  table,
  UsageError,
  type AdminCommand,
  type CommandResult,
} from './command';
import { findUser } from './users';

// The CLI reads no Worker config: the API scopes come from a SCOPES environment variable (the Worker's SCOPES var,
// same JSON), else the defaults. Nor does it read the signing keys (a secret), so it allows every algorithm the server
// can sign with. A client registered with an algorithm the deployed key set lacks gets RS256 ID Tokens
// (tokens/id-token.ts idTokenSigningKey), and userinfo signed the same way (tokens/signed-userinfo.ts).
const POLICY = clientMetadataPolicy(parseScopeDefinitions(process.env.SCOPES), {
  firstParty: true,
  idTokenSigningAlgorithms: SIGNING_ALGORITHMS,
});

const SETTING_OPTIONS = {
  name: { type: 'string' },
  type: { type: 'string' },
  'grant-types': { type: 'string', multiple: true },
  'redirect-uris': { type: 'string', multiple: true },
  scopes: { type: 'string', multiple: true },
  origins: { type: 'string', multiple: true },
  'id-token-alg': { type: 'string' },
  'userinfo-alg': { type: 'string' },
} as const;
const SETTINGS_USAGE =
  '[--name <name>] [--type confidential|public] [--grant-types <a,b>] [--redirect-uris <uri,…>] [--scopes <a,b>] [--origins <origin,…>] [--id-token-alg <alg>|""] [--userinfo-alg <alg>|""]';

export const CLIENT_COMMANDS: AdminCommand[] = [
  {
    name: 'clients list',
    usage: 'clients list',
    summary: 'list every client',
    auditType: null,
    async run(argv, context) {
      parseCommandArgs(argv, {});
      const clients = await (await context.database()).stores.clients.list();
      const rows = clients.map((client) => [
        client.id,
        client.name,
        client.type,
        client.grantTypes.join(','),
        client.ownerUserId ?? '',
        isoDate(client.createdAt),
      ]);
      return {
        lines:
          clients.length === 0
            ? ['No clients.']
            : table(['CLIENT_ID', 'NAME', 'TYPE', 'GRANT_TYPES', 'OWNER', 'CREATED'], rows),
        json: clients.map(clientJson),
      };
    },
  },
  {
    name: 'clients create',
    usage: `clients create --name <name> ${SETTINGS_USAGE} [--owner <username>]`,
    summary: 'register a client; a confidential client’s secret is shown once',
    auditType: 'client_created',
    async run(argv, context) {
      const { values } = parseCommandArgs(argv, { ...SETTING_OPTIONS, owner: { type: 'string' } });
      const settings = settingsFrom(values);
      const metadata = validateClientSettings(settings, POLICY);
      const { stores } = await context.database();
      const ownerUserId = values.owner === undefined ? null : (await findUser(stores, values.owner)).id;
      const { client, secret } = await createClientRecord(
        metadata,
        { registrant: null, ownerUserId, registrationTokenHash: null },
        stores.clients,
      );
      return withSecret(`Created ${client.type} client ${client.id}.`, client, secret);
    },
  },
  {
    name: 'clients update',
    usage: `clients update <client_id> ${SETTINGS_USAGE}`,
    summary:
      'change the given settings of a client (its other metadata is kept); a list option given as "" empties the list',
    auditType: 'client_updated',
    async run(argv, context) {
      const { values, positionals } = parseCommandArgs(argv, SETTING_OPTIONS, ['client_id']);
      const settings = settingsFrom(values);
      if (Object.values(settings).every((value) => value === undefined))
        throw new UsageError('give at least one setting to change');
      const { stores } = await context.database();
      const current = await findClient(stores, positionals[0] ?? '');
      const { client, secret } = await replaceClientMetadata(
        current,
        validateClientSettings(settings, POLICY, current),
        stores.clients,
      );
      return withSecret(`Updated client ${client.id}.`, client, secret);
    },
  },
  {
    name: 'clients delete',
    usage: 'clients delete <client_id>',
    summary: 'delete a client with its codes, refresh tokens and consents',
    auditType: 'client_deleted',
    async run(argv, context) {
      const { positionals } = parseCommandArgs(argv, {}, ['client_id']);
      const clientId = positionals[0] ?? '';
      if (!(await (await context.database()).stores.clients.delete(clientId))) throw noSuchClient(clientId);
      return {
        lines: [`Deleted client ${clientId}, its refresh tokens and the consents given to it.`],
        json: { client_id: clientId, deleted: true },
      };
    },
  },
  {
    name: 'clients rotate-secret',
    usage: 'clients rotate-secret <client_id>',
    summary: 'give a confidential client a new secret, shown once; the old one stops working',
    auditType: 'client_secret_rotated',
    async run(argv, context) {
      const { positionals } = parseCommandArgs(argv, {}, ['client_id']);
      const { stores } = await context.database();
      const { client, secret } = await rotateClientSecret(
        await findClient(stores, positionals[0] ?? ''),
        stores.clients,
      );
      return withSecret(
        `Rotated the secret of client ${client.id}; the previous secret no longer works.`,
        client,
        secret,
      );
    },
  },
];

interface SettingValues {
  name?: string | undefined;
  type?: string | undefined;
  'grant-types'?: string[] | undefined;
  'redirect-uris'?: string[] | undefined;
  scopes?: string[] | undefined;
  origins?: string[] | undefined;
  'id-token-alg'?: string | undefined;
  'userinfo-alg'?: string | undefined;
}

function settingsFrom(values: SettingValues): ClientSettings {
  const { type } = values;
  if (type !== undefined && type !== 'confidential' && type !== 'public')
    throw new UsageError(`--type must be confidential or public, got ${type}`);
  return {
    name: values.name,
    type,
    grantTypes: listOption(values['grant-types']),
    redirectUris: listOption(values['redirect-uris']),
    scopes: listOption(values.scopes),
    allowedOrigins: listOption(values.origins),
    // "" goes back to the default (RS256), like an empty list option.
    idTokenSigningAlg: values['id-token-alg'] === '' ? null : values['id-token-alg'],
    userinfoSigningAlg: values['userinfo-alg'] === '' ? null : values['userinfo-alg'],
  };
}

export async function findClient(stores: Pick<Stores, 'clients'>, clientId: string): Promise<Client> {
  const client = await stores.clients.findById(clientId);
  if (!client) throw noSuchClient(clientId);
  return client;
}

function noSuchClient(clientId: string): CommandError {
  return new CommandError(`there is no client ${clientId}`, 'not_found');
}

function withSecret(summary: string, client: Client, secret: string | undefined): CommandResult {
  const lines = [summary, `  client_id:     ${client.id}`];
  if (secret !== undefined)
    lines.push(`  client_secret: ${secret}`, 'The secret is shown only this once; only its hash is stored.');
  return { lines, json: { ...clientJson(client), ...(secret === undefined ? {} : { client_secret: secret }) } };
}

/** The client as RFC 7591 §3.2.1 answers it (without credentials), plus its owner. */
function clientJson(client: Client) {
  return {
    client_id: client.id,
    client_id_issued_at: client.createdAt,
    ...clientMetadataOf(client),
    owner_user_id: client.ownerUserId,
  };
}
