// UpstreamIdentityStore and UpstreamSignInStore on D1: links between local users and upstream accounts, and the
// sign-ins sent to an upstream and not yet back (consumed once, by the hash of their state).
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from './db';
import { upstreamIdentities, upstreamSignIns, users } from './schema';
import type { UpstreamIdentityStore, UpstreamSignInStore } from './types';

export function createUpstreamIdentityStore(db: Database): UpstreamIdentityStore {
  return {
    async find(issuer, subject) {
      return (
        (await db
          .select()
          .from(upstreamIdentities)
          .where(and(eq(upstreamIdentities.issuer, issuer), eq(upstreamIdentities.subject, subject)))
          .get()) ?? null
      );
    },
    async listByUser(userId) {
      return db
        .select()
        .from(upstreamIdentities)
        .where(eq(upstreamIdentities.userId, userId))
        .orderBy(upstreamIdentities.createdAt);
    },
    async create(identity) {
      const inserted = await db
        .insert(upstreamIdentities)
        .values(identity)
        .onConflictDoNothing({ target: [upstreamIdentities.issuer, upstreamIdentities.subject] })
        .returning({ id: upstreamIdentities.id });
      return inserted.length === 1;
    },
    async createWithUser(user, identity) {
      // One batch, decided by the unique indexes: the user is inserted unless the username is taken, the link only
      // if the user was and (issuer, sub) is free, and a user left without its link is deleted again. Two first
      // sign-ins of one upstream account racing end with one user.
      const [, linked] = await db.batch([
        db
          .insert(users)
          .values({ ...user, username: user.username.toLowerCase() })
          .onConflictDoNothing({ target: users.username }),
        db
          .insert(upstreamIdentities)
          .select(
            db
              .select({
                id: sql`${identity.id}`.as('id'),
                userId: users.id,
                providerId: sql`${identity.providerId}`.as('provider_id'),
                issuer: sql`${identity.issuer}`.as('issuer'),
                subject: sql`${identity.subject}`.as('subject'),
                createdAt: sql`${identity.createdAt}`.as('created_at'),
              })
              .from(users)
              .where(eq(users.id, user.id)),
          )
          .onConflictDoNothing({ target: [upstreamIdentities.issuer, upstreamIdentities.subject] })
          .returning({ id: upstreamIdentities.id }),
        db
          .delete(users)
          .where(
            and(
              eq(users.id, user.id),
              sql`not exists (select 1 from ${upstreamIdentities} where ${upstreamIdentities.userId} = ${user.id})`,
            ),
          ),
      ]);
      return linked.length === 1;
    },
    async delete(userId, providerId) {
      const deleted = await db
        .delete(upstreamIdentities)
        .where(and(eq(upstreamIdentities.userId, userId), eq(upstreamIdentities.providerId, providerId)))
        .returning({ id: upstreamIdentities.id });
      return deleted.length > 0;
    },
  };
}

export function createUpstreamSignInStore(db: Database): UpstreamSignInStore {
  return {
    async create(stateHash, signIn, expiresAt) {
      await db.insert(upstreamSignIns).values({ stateHash, ...signIn, expiresAt });
    },
    async consume(stateHash, nowSeconds) {
      // DELETE ... RETURNING is the single point of use: of two callbacks with one state, one gets the row.
      const [row] = await db
        .delete(upstreamSignIns)
        .where(and(eq(upstreamSignIns.stateHash, stateHash), gt(upstreamSignIns.expiresAt, nowSeconds)))
        .returning({
          providerId: upstreamSignIns.providerId,
          returnTo: upstreamSignIns.returnTo,
          linkUserId: upstreamSignIns.linkUserId,
        });
      return row ?? null;
    },
  };
}
