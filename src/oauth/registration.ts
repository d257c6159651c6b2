// Dynamic client registration (RFC 7591 §3) and its management protocol (RFC 7592 §2): who may register, the
// Client record built from validated metadata, its secret and registration access token (stored hashed), the answers.
import type { Config } from '../config';
import type { Client, ClientStore } from '../storage/types';
import { generateOpaqueToken, hashOpaqueToken, opaqueTokenMatches } from '../tokens/opaque';
import type { SecretBox } from '../tokens/secret-box';
import { clientMetadataOf, validateClientMetadata } from './client-metadata';
import { assertJsonObject } from './client-metadata-shape';
import { clientMetadataPolicy, createClientRecord, replaceClientMetadata } from './client-records';
import { countAuthenticationFailure, type FailureCounter } from './authentication-failures';
import { ADDRESS_REGISTRANT_PREFIX } from './registrant';
import { OAuthError } from './errors';

export interface RegistrationContext {
  config: Config;
  issuer: string;
  clients: ClientStore;
  /** The key set's algorithms, which discovery advertises for ID Tokens. */
  idTokenSigningAlgorithms: readonly string[];
  /** Seals client_secret_jwt secrets; undefined when that method is off. */
  secretBox: SecretBox | undefined;
}

/** The client information response (RFC 7591 §3.2.1, RFC 7592 §3), snake_case as on the wire. */
export type ClientInformation = Record<string, unknown>;

/** A client and the registration access token that was just proven for it. */
export interface ManagedClient {
  client: Client;
  registrationAccessToken: string;
}

/** RFC 6750 §3: the challenge for a refused initial access token or registration access token. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer realm="portcullis", error="invalid_token"';

// Compared against when there is no stored hash, so an unknown client costs what a wrong token does. It has the
// length of a real hash, and no token hashes to it.
const NO_TOKEN_HASH = 'A'.repeat(43);
/** Server-assigned members a client must not send back in an update (RFC 7592 §2.2). */
const SERVER_ASSIGNED_MEMBERS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
];

/** Who registers: the key of the per-registrant cap, and whether it is the operator (first-party clients). */
export interface Registrant {
  /** `token:<hash prefix>` for the operator's initial access token, else `ip:<address>`. */
  id: string;
  /** Presented the operator's REGISTRATION_TOKEN: may register the password grant (RFC 9700 §2.4, first parties). */
  isOperator: boolean;
}

const TOKEN_REGISTRANT_PREFIX = 'token:';

function registrationPolicyOf({ config, idTokenSigningAlgorithms }: RegistrationContext, isOperator: boolean) {
  return clientMetadataPolicy(config.scopes, { firstParty: isOperator, idTokenSigningAlgorithms });
}

/** The `closed` policy refuses registration outright, before anything is counted or read. */
export function assertRegistrationOpen(config: Config): void {
  if (config.registrationPolicy === 'closed') {
    throw new OAuthError('access_denied', 'dynamic client registration is closed on this server');
  }
}

/**
 * Who is registering, for the per-registrant cap and the first-party rule. Under the `token` policy the initial
 * access token (RFC 7591 §3) must match REGISTRATION_TOKEN. Under `open` anyone may register, counted by address, and
 * one presenting REGISTRATION_TOKEN still counts as the operator; a bearer token that is not it is refused rather
 * than ignored, so a mistyped token does not silently register a third-party client.
 */
export async function identifyRegistrant(
  config: Config,
  presentedToken: string | undefined,
  address: string,
): Promise<Registrant> {
  if (config.registrationPolicy !== 'token' && presentedToken === undefined) {
    return { id: `${ADDRESS_REGISTRANT_PREFIX}${address}`, isOperator: false };
  }
  const expectedHash = await hashOpaqueToken(config.registrationToken ?? '');
  // Hashing both sides makes the comparison constant-time whatever the lengths.
  const matches =
    presentedToken !== undefined &&
    config.registrationToken !== undefined &&
    (await opaqueTokenMatches(presentedToken, expectedHash));
  if (!matches) {
    throw invalidToken(
      config.registrationPolicy === 'token'
        ? 'a valid initial access token is required to register a client'
        : 'the initial access token is not valid; register without one, or with the right one',
    );
  }
  // A hash prefix names the token without storing it; a rotated token starts a new count.
  return { id: `${TOKEN_REGISTRANT_PREFIX}${expectedHash.slice(0, 16)}`, isOperator: true };
}

/** RFC 7591 §3.1–3.2: validates the metadata, enforces the registrant cap, stores the client, answers 201's body. */
export async function registerClient(
  input: unknown,
  registrant: Registrant,
  context: RegistrationContext,
): Promise<ClientInformation> {
  const metadata = validateClientMetadata(input, registrationPolicyOf(context, registrant.isOperator));
  const cap = context.config.registrationMaxClientsPerRegistrant;
  // RFC 7591 §5 leaves abuse to the server: a cap keeps one IP or token from filling D1.
  if ((await context.clients.countByRegistrant(registrant.id)) >= cap) {
    throw new OAuthError('access_denied', `this registrant already has ${cap} registered clients, the most allowed`);
  }
  const registrationAccessToken = generateOpaqueToken();
  const provenance = {
    registrant: registrant.id,
    ownerUserId: null,
    registrationTokenHash: await hashOpaqueToken(registrationAccessToken),
  };
  const { client, secret } = await createClientRecord(metadata, provenance, context.clients, context.secretBox);
  return clientInformation(client, context.issuer, registrationAccessToken, secret);
}

/**
 * RFC 7592 §2: the client a registration access token manages. A missing or wrong token and an unknown client get
 * the same 401, so the answer never reveals whether a client id exists (§2.1–2.3).
 */
export async function authorizeClientManagement(
  clientId: string,
  presentedToken: string | undefined,
  clients: ClientStore,
  failures: FailureCounter,
): Promise<ManagedClient> {
  const client = await clients.findById(clientId);
  const matches = await opaqueTokenMatches(presentedToken ?? '', client?.registrationTokenHash ?? NO_TOKEN_HASH);
  if (!client || presentedToken === undefined || !matches) {
    await countAuthenticationFailure(failures, 'client-management', client?.id ?? null);
    throw invalidToken('the registration access token is not valid for this client');
  }
  return { client, registrationAccessToken: presentedToken };
}

/**
 * RFC 7592 §2.1. Only hashes are stored, so the answer carries no client_secret; registration_access_token is the
 * one just presented (§3 lets the server keep it unchanged).
 */
export function readClientRegistration(
  { client, registrationAccessToken }: ManagedClient,
  issuer: string,
): ClientInformation {
  return clientInformation(client, issuer, registrationAccessToken, undefined);
}

/** RFC 7592 §2.2: replaces the metadata; omitted members take their defaults. The secret is kept. */
export async function updateClientRegistration(
  { client, registrationAccessToken }: ManagedClient,
  input: unknown,
  context: RegistrationContext,
): Promise<ClientInformation> {
  await checkUpdateIdentity(input, client);
  // A client the operator registered stays first-party through its updates.
  const isOperator = client.registrant?.startsWith(TOKEN_REGISTRANT_PREFIX) ?? false;
  const metadata = validateClientMetadata(input, registrationPolicyOf(context, isOperator));
  const { client: updated, secret } = await replaceClientMetadata(client, metadata, context.clients, context.secretBox);
  return clientInformation(updated, context.issuer, registrationAccessToken, secret);
}

/** RFC 7592 §2.3. The foreign keys cascade, so its codes, refresh tokens and consents go with it. */
export async function deleteClientRegistration({ client }: ManagedClient, clients: ClientStore): Promise<void> {
  await clients.delete(client.id);
}

export function registrationClientUri(issuer: string, clientId: string): string {
  return `${issuer}/oauth/register/${encodeURIComponent(clientId)}`;
}

async function checkUpdateIdentity(input: unknown, client: Client): Promise<void> {
  assertJsonObject(input);
  const serverAssigned = SERVER_ASSIGNED_MEMBERS.find((member) => Object.hasOwn(input, member));
  if (serverAssigned) throw new OAuthError('invalid_request', `the request must not include ${serverAssigned}`);
  if (input.client_id !== client.id) {
    throw new OAuthError('invalid_request', 'client_id must be the client_id of this registration');
  }
  // The client may send its secret back, but never choose a new one.
  const presentedSecret = input.client_secret;
  if (presentedSecret == null) return;
  if (
    typeof presentedSecret !== 'string' ||
    !(await opaqueTokenMatches(presentedSecret, client.secretHash ?? NO_TOKEN_HASH))
  ) {
    throw new OAuthError('invalid_request', 'client_secret does not match the secret of this client');
  }
}

function clientInformation(
  client: Client,
  issuer: string,
  registrationAccessToken: string,
  secret: string | undefined,
): ClientInformation {
  return {
    client_id: client.id,
    ...(secret === undefined ? {} : { client_secret: secret }),
    client_id_issued_at: client.createdAt,
    // Required whenever the client has a secret (RFC 7591 §3.2.1); 0 means it never expires.
    ...(client.type === 'confidential' ? { client_secret_expires_at: 0 } : {}),
    registration_access_token: registrationAccessToken,
    registration_client_uri: registrationClientUri(issuer, client.id),
    ...clientMetadataOf(client),
  };
}

function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, { headers: { 'WWW-Authenticate': INVALID_TOKEN_CHALLENGE } });
}
