// authenticateUser: usernames match in any case; a wrong password, an unknown or impossible username and a disabled
// user all give null; a lower-iteration hash is upgraded on a correct password only.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { authenticateUser } from '../../src/accounts/authenticate-user';
import { hashPassword, NO_PASSWORD_HASH } from '../../src/accounts/password-hash';
import { storesFor } from '../../src/storage/stores';
import { createTestUser, TEST_PASSWORD } from '../helpers/users';

describe('authenticateUser', () => {
  const stores = () => storesFor(env.DB);

  it('returns the user for the right password, whatever the username case', async () => {
    const { user } = await createTestUser();
    expect(await authenticateUser(stores(), user.username.toUpperCase(), TEST_PASSWORD)).toEqual(user);
  });

  it('returns null for a wrong password, an unknown user, an impossible username and a disabled user', async () => {
    const { user } = await createTestUser();
    const { user: disabled } = await createTestUser({ disabled: true });
    expect(await authenticateUser(stores(), user.username, 'wrong password')).toBeNull();
    // The unknown user is checked against the dummy hash, which must therefore be a valid current-format hash.
    expect(await authenticateUser(stores(), 'no-such-user', TEST_PASSWORD)).toBeNull();
    expect(await authenticateUser(stores(), 'not a username!', TEST_PASSWORD)).toBeNull();
    expect(await authenticateUser(stores(), disabled.username, TEST_PASSWORD)).toBeNull();
  });

  it('returns null, without an error, for an account that has no password (passkeys or an upstream identity)', async () => {
    const { user } = await createTestUser({ passwordHash: NO_PASSWORD_HASH });
    expect(await authenticateUser(stores(), user.username, '')).toBeNull();
    expect(await authenticateUser(stores(), user.username, TEST_PASSWORD)).toBeNull();
  });

  it('rehashes a lower-iteration hash on login and returns the user with the new hash', async () => {
    const { user } = await createTestUser({ passwordHash: await hashPassword(TEST_PASSWORD, 5000) });
    const authenticated = await authenticateUser(stores(), user.username, TEST_PASSWORD);
    expect(authenticated?.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect((await stores().users.findById(user.id))?.passwordHash).toBe(authenticated?.passwordHash);
  });

  it('leaves a lower-iteration hash alone when the password is wrong', async () => {
    const oldHash = await hashPassword(TEST_PASSWORD, 5000);
    const { user } = await createTestUser({ passwordHash: oldHash });
    expect(await authenticateUser(stores(), user.username, 'wrong password')).toBeNull();
    expect((await stores().users.findById(user.id))?.passwordHash).toBe(oldHash);
  });
});
