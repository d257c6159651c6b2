// `npm run admin -- keys` on a temporary local D1 (issue 15 §1): managed keys listed with their state (never a
// private part), a rotation requested from the Worker, a leaked key revoked.
import { describe, expect, it } from 'vitest';
import type { StoredSigningKey } from '../../src/storage/types';
import { admin, adminJson, useTemporaryDatabase, withDatabase } from './admin-harness';

const database = useTemporaryDatabase();
const run = (args: string[]) => admin(database.persistTo, args);
const runJson = <T = Record<string, unknown>>(args: string[]) => adminJson<T>(database.persistTo, args);
const now = () => Math.floor(Date.now() / 1000);

/** Rows as the Worker stores them; the sealed part is opaque to the CLI, so any text stands in for it here. */
function storedKey(rotation: number, alg: 'ES256' | 'RS256', createdAt: number, activatesAt: number): StoredSigningKey {
  return {
    kid: `kid-${rotation}-${alg}`,
    alg,
    rotation,
    publicJwk: { kty: alg === 'ES256' ? 'EC' : 'RSA' },
    encryptedPrivateJwk: 'v1.sealed.elsewhere',
    createdAt,
    activatesAt,
    revokedAt: null,
    rotationRequestedAt: null,
  };
}

describe('npm run admin -- keys', () => {
  it('says there are no managed keys yet, and cannot rotate them', async () => {
    expect(await run(['keys', 'list'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^No managed keys/) });
    expect(await run(['keys', 'rotate'])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'admin: there are no managed keys yet (is KEY_ENCRYPTION_KEY set?)',
    });
  });

  it('lists keys with their state, requests a rotation once, and revokes a key', async () => {
    const started = now() - 3600;
    await withDatabase(database.persistTo, async (stores) => {
      await stores.signingKeys.insertRotation([
        storedKey(1, 'ES256', started, started),
        storedKey(1, 'RS256', started, started),
      ]);
    });
    const listed = await runJson<Array<Record<string, unknown>>>(['keys', 'list']);
    expect(listed).toEqual([
      expect.objectContaining({ kid: 'kid-1-ES256', alg: 'ES256', rotation: 1, state: 'signing', revoked_at: null }),
      expect.objectContaining({
        kid: 'kid-1-RS256',
        alg: 'RS256',
        rotation: 1,
        state: 'signing',
        unpublished_at: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('sealed');
    expect((await run(['keys', 'list'])).stdout.split('\n')[0]).toBe(
      'KID          ALG    ROTATION  STATE    PUBLISHED             SIGNS FROM            LEAVES JWKS',
    );

    expect(await runJson(['keys', 'rotate'])).toEqual({ requested: true, requested_at: expect.any(Number) });
    const requested = await withDatabase(database.persistTo, (stores) => stores.signingKeys.list());
    expect(requested.map((row) => row.rotationRequestedAt)).toEqual([expect.any(Number), expect.any(Number)]);

    // Once the Worker has published the next rotation, asking again reports it instead.
    const activatesAt = now() + 660;
    await withDatabase(database.persistTo, (stores) =>
      stores.signingKeys.insertRotation([
        storedKey(2, 'ES256', now(), activatesAt),
        storedKey(2, 'RS256', now(), activatesAt),
      ]),
    );
    expect(await runJson(['keys', 'rotate'])).toEqual({ requested: false, rotation: 2, activates_at: activatesAt });

    expect(await runJson(['keys', 'revoke', 'kid-1-ES256'])).toEqual({
      revoked: true,
      kid: 'kid-1-ES256',
      revoked_at: expect.any(Number),
    });
    expect(await run(['keys', 'revoke', 'kid-1-ES256'])).toMatchObject({
      status: 1,
      stderr: 'admin: there is no unrevoked managed key kid-1-ES256',
    });
    expect(await run(['keys', 'revoke'])).toMatchObject({ status: 2 });
    const states = await runJson<Array<{ kid: string; state: string }>>(['keys', 'list']);
    expect(states.map(({ kid, state }) => [kid, state])).toEqual([
      ['kid-1-ES256', 'revoked'],
      ['kid-1-RS256', 'signing'],
      ['kid-2-ES256', 'published'],
      ['kid-2-RS256', 'published'],
    ]);
  });
});
