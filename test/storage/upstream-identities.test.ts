// UpstreamIdentityStore and UpstreamSignInStore on D1: (issuer, sub) links to one user, a first sign-in's user and
// link written together or not at all, and a pending sign-in consumed once.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { NO_PASSWORD_HASH } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { NO_PROFILE, type UpstreamIdentity, type User } from '../../src/storage/types';
import { createTestUser } from '../helpers/users';

const stores = storesFor(env.DB);
const NOW = 1_800_000_000;

function newUser(username = `fed_${crypto.randomUUID().slice(0, 8)}`): User {
  return {
    id: crypto.randomUUID(),
    username,
    email: null,
    emailVerified: false,
    passwordHash: NO_PASSWORD_HASH,
    isAdmin: false,
    disabled: false,
    ...NO_PROFILE,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

function identityFor(userId: string, subject: string): UpstreamIdentity {
  return {
    id: crypto.randomUUID(),
    userId,
    providerId: 'acme',
    issuer: 'https://idp.acme.example',
    subject,
    createdAt: NOW,
  };
}

describe('createWithUser', () => {
  it('of two concurrent first sign-ins of one upstream account, exactly one creates a user', async () => {
    const subject = crypto.randomUUID();
    const [first, second] = [newUser(), newUser()];
    const results = await Promise.all([
      stores.upstreamIdentities.createWithUser(first, identityFor(first.id, subject)),
      stores.upstreamIdentities.createWithUser(second, identityFor(second.id, subject)),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? first : second;
    const loser = results[0] ? second : first;
    expect((await stores.upstreamIdentities.find('https://idp.acme.example', subject))!.userId).toBe(winner.id);
    expect(await stores.users.findById(loser.id)).toBeNull();
  });

  it('writes nothing when the username is taken', async () => {
    const { user: existing } = await createTestUser();
    const user = newUser(existing.username);
    const subject = crypto.randomUUID();
    expect(await stores.upstreamIdentities.createWithUser(user, identityFor(user.id, subject))).toBe(false);
    expect(await stores.users.findById(user.id)).toBeNull();
    expect(await stores.upstreamIdentities.find('https://idp.acme.example', subject)).toBeNull();
    expect((await stores.users.findById(existing.id))!.username).toBe(existing.username);
  });
});

describe('create', () => {
  it('refuses a second link of one (issuer, sub), to another user or the same', async () => {
    const [{ user: a }, { user: b }] = await Promise.all([createTestUser(), createTestUser()]);
    const subject = crypto.randomUUID();
    expect(await stores.upstreamIdentities.create(identityFor(a.id, subject))).toBe(true);
    expect(await stores.upstreamIdentities.create(identityFor(b.id, subject))).toBe(false);
    expect(await stores.upstreamIdentities.create(identityFor(a.id, subject))).toBe(false);
    expect(await stores.upstreamIdentities.listByUser(b.id)).toEqual([]);
  });
});

describe('UpstreamSignInStore', () => {
  const pending = { providerId: 'acme', returnTo: '/account', linkUserId: null };

  it('consumes a pending sign-in once, of ten concurrent callbacks', async () => {
    const stateHash = crypto.randomUUID();
    await stores.upstreamSignIns.create(stateHash, pending, NOW + 600);
    const results = await Promise.all(Array.from({ length: 10 }, () => stores.upstreamSignIns.consume(stateHash, NOW)));
    expect(results.filter((result) => result !== null)).toEqual([pending]);
  });

  it('does not return an expired one', async () => {
    const stateHash = crypto.randomUUID();
    await stores.upstreamSignIns.create(stateHash, pending, NOW + 600);
    expect(await stores.upstreamSignIns.consume(stateHash, NOW + 600)).toBeNull();
  });
});
