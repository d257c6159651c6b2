// Drizzle schema for D1: the single source of truth from which `drizzle-kit generate` writes migrations/.
// Tables are plural and snake_case, times are epoch seconds, ids are random text.
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/** OAuth clients (RFC 7591 metadata). Secrets and registration tokens are stored only as SHA-256 hashes. */
export const clients = sqliteTable('clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** `confidential` clients authenticate with a secret; `public` ones (SPAs, native apps) cannot. */
  type: text('type', { enum: ['confidential', 'public'] }).notNull(),
  secretHash: text('secret_hash'),
  tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull(),
  /** JSON arrays of strings. */
  redirectUris: text('redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
  grantTypes: text('grant_types', { mode: 'json' }).$type<string[]>().notNull(),
  responseTypes: text('response_types', { mode: 'json' }).$type<string[]>().notNull(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
  /** Space-separated scopes the client may request. */
  scope: text('scope').notNull(),
  /** The remaining RFC 7591 §2 metadata (client_uri, logo_uri, contacts, ...), kept as sent. */
  metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  registrationTokenHash: text('registration_token_hash'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Sample protected API rows (the DRF tutorial's resource), owned by the token subject that created them. */
export const unicorns = sqliteTable(
  'unicorns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    color: text('color').notNull(),
    ownerSub: text('owner_sub').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('unicorns_owner_sub_idx').on(table.ownerSub)],
);
