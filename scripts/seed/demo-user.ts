// The demo person `demo`, whose password is kept in .dev.vars (DEMO_USER_PASSWORD) so it stays the same across
// restarts; the stored hash follows an edited password.
import { hashPassword, verifyPassword } from '../../src/accounts/password-hash';
import { epochSeconds } from '../../src/tokens/access-token';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import type { Seed } from './types';

export const DEMO_USERNAME = 'demo';

export const demoUserSeed: Seed = {
  name: 'demo user',
  devVars: { DEMO_USER_PASSWORD: () => generateOpaqueToken(12) },
  async run({ stores, issuer, devVars }) {
    const password = devVars.DEMO_USER_PASSWORD!;
    const existing = await stores.users.findByUsername(DEMO_USERNAME);
    const now = epochSeconds();
    if (!existing) {
      await stores.users.create({
        id: crypto.randomUUID(),
        username: DEMO_USERNAME,
        email: 'demo@example.com',
        emailVerified: true,
        passwordHash: await hashPassword(password),
        isAdmin: false,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
    } else if (!(await verifyPassword(password, existing.passwordHash)).valid) {
      await stores.users.updatePasswordHash(existing.id, await hashPassword(password), now);
    }
    return ['Demo user:', `  username: ${DEMO_USERNAME}`, `  password: ${password}`, `  sign in:  ${issuer}/login`];
  },
};
