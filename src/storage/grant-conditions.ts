// SQL conditions that a stored grant (an authorization code or a refresh token) must meet before one batch spends
// it: the same checks the grant handlers make in code, so that a batch writes nothing a handler would refuse; and
// the read of the grant's user that each such batch returns with it.
import { and, eq, isNull, or, sql, type Column, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from './db';
import { users } from './schema';
import type { GrantRequest } from './types';

/** A value bound into a condition: the value itself, or a placeholder of a batch built once per shape (compiled-batch.ts). */
export type Bound = string | Placeholder;

/** A grant request as the conditions bind it. */
export interface BoundGrantRequest {
  scopes: readonly Bound[];
  resources: readonly Bound[];
  knownResources: readonly Bound[];
  /** Every requested resource is one this issuer serves (judged on the values): else nothing covers the request. */
  resourcesKnown: boolean;
  dpopJkt: Bound | null;
}

/** The request's own values, bound as they are. */
export function boundGrantRequest(request: GrantRequest): BoundGrantRequest {
  return {
    scopes: request.scopes,
    resources: request.resources,
    knownResources: request.knownResources,
    resourcesKnown: request.resources.every((resource) => request.knownResources.includes(resource)),
    dpopJkt: request.dpopJkt ?? null,
  };
}

/**
 * The request with each value replaced by a placeholder (scope0, scope1, …, resource0, …, known0, …, dpopJkt), for a
 * batch built once per shape (compiled-batch.ts); `grantRequestValues` gives their values and `grantRequestShape`
 * what the SQL depends on.
 */
export function grantRequestPlaceholders(request: BoundGrantRequest): BoundGrantRequest {
  const named = (prefix: string, values: readonly Bound[]) =>
    values.map((_, index) => sql.placeholder(`${prefix}${index}`));
  return {
    scopes: named('scope', request.scopes),
    resources: named('resource', request.resources),
    knownResources: named('known', request.knownResources),
    resourcesKnown: request.resourcesKnown,
    dpopJkt: request.dpopJkt === null ? null : sql.placeholder('dpopJkt'),
  };
}

export function grantRequestValues(request: GrantRequest): Record<string, unknown> {
  const numbered = (prefix: string, values: readonly string[]) =>
    Object.fromEntries(values.map((value, index) => [`${prefix}${index}`, value]));
  return {
    ...numbered('scope', request.scopes),
    ...numbered('resource', request.resources),
    ...numbered('known', request.knownResources),
    dpopJkt: request.dpopJkt ?? null,
  };
}

export function grantRequestShape(request: BoundGrantRequest): string {
  const { scopes, resources, knownResources, resourcesKnown, dpopJkt } = request;
  return [scopes.length, resources.length, knownResources.length, resourcesKnown, dpopJkt !== null].join(':');
}

/** The grant's user exists and is not disabled. */
export function userIsActive(userId: Column): SQL {
  return sql`exists (select 1 from ${users} where ${and(eq(users.id, userId), eq(users.disabled, false))})`;
}

/**
 * The stored scope (space-separated text) and resources (JSON array) cover what the request asks for: every
 * requested scope is in the scope (RFC 6749 §6), every requested resource is among the resources and served by this
 * issuer, and with none requested, every stored resource still is (RFC 8707 §2.2).
 */
export function coversRequest(scope: Column, resources: Column, request: BoundGrantRequest): SQL {
  if (!request.resourcesKnown) return sql`0`;
  const conditions = request.scopes.map((wanted) => scopeIncludes(scope, wanted));
  conditions.push(
    ...request.resources.map(
      (resource) => sql`exists (select 1 from json_each(${resources}) where value = ${resource})`,
    ),
  );
  if (request.resources.length === 0) {
    const known = sql.join(
      request.knownResources.map((resource) => sql`${resource}`),
      sql`, `,
    );
    conditions.push(sql`not exists (select 1 from json_each(${resources}) where value not in (${known}))`);
  }
  return and(...conditions) ?? sql`1`;
}

/** RFC 9449 §5.0, §10: a grant bound to a DPoP key (`dpop_jkt`) is spent only with a proof of that key. */
export function boundKeyAllows(dpopJkt: Column, request: BoundGrantRequest): SQL {
  const presented = request.dpopJkt;
  return (presented === null ? isNull(dpopJkt) : or(isNull(dpopJkt), eq(dpopJkt, presented))) ?? sql`0`;
}

/** One scope token in a space-separated scope column; tokens contain no space (RFC 6749 §3.3). */
export function scopeIncludes(scope: Column, wanted: Bound): SQL {
  return sql`instr(' ' || ${scope} || ' ', ' ' || ${wanted} || ' ') > 0`;
}

/**
 * The user of the grant row that `presented` finds, for a batch to return beside the row. A second select rather than
 * a join: drizzle's D1 batch reads rows by column name, and both tables have created_at.
 */
export function selectGrantUser(db: Database, table: SQLiteTable, userId: SQLiteColumn, presented: SQL | undefined) {
  return db
    .select()
    .from(users)
    .where(eq(users.id, db.select({ userId }).from(table).where(presented)));
}
