// `keys …` admin commands for managed signing keys (KEY_ENCRYPTION_KEY; src/oauth/managed-keys.ts): list them with
// their state, ask the Worker for a rotation now, revoke a leaked key. The CLI never sees a private key: the Worker
// generates and seals them, so `keys rotate` only marks the newest rotation for replacement.
import { ACCESS_TOKEN_TTL_SECONDS } from '../../src/config';
import { KEY_STATE_CACHE_SECONDS, managedKeyTiming } from '../../src/oauth/managed-keys';
import type { StoredSigningKey } from '../../src/storage/types';
import { epochSeconds } from '../../src/tokens/access-token';
import { keyStatuses, type KeyStatus } from '../../src/tokens/key-schedule';
import { JWKS_MAX_AGE_SECONDS } from '../../src/tokens/keys';
import { CommandError, isoDate, parseCommandArgs, table, type AdminCommand } from './command';

// The CLI reads no Worker config: retirement is shown for the default token lifetime (docs/admin.md).
const TIMING = managedKeyTiming(ACCESS_TOKEN_TTL_SECONDS);

export const KEY_COMMANDS: AdminCommand[] = [
  {
    name: 'keys list',
    usage: 'keys list',
    summary: 'list the managed signing keys: kid, alg, rotation, state and dates (no private part, ever)',
    auditType: null,
    async run(argv, context) {
      parseCommandArgs(argv, {});
      const rows = await (await context.database()).stores.signingKeys.list();
      const statuses = keyStatuses(rows, epochSeconds(), TIMING);
      const date = (seconds: number | null | undefined) => (seconds == null ? '' : isoDate(seconds));
      return {
        lines:
          rows.length === 0
            ? ['No managed keys: the Worker creates them on its first request when KEY_ENCRYPTION_KEY is set.']
            : table(
                ['KID', 'ALG', 'ROTATION', 'STATE', 'PUBLISHED', 'SIGNS FROM', 'LEAVES JWKS'],
                statuses.map(({ key, state, unpublishedAt }) => [
                  key.kid,
                  key.alg,
                  String(key.rotation),
                  state,
                  date(key.createdAt),
                  date(key.activatesAt),
                  date(unpublishedAt),
                ]),
              ),
        json: statuses.map(keyJson),
      };
    },
  },
  {
    name: 'keys rotate',
    usage: 'keys rotate',
    summary: 'start a rotation now: the Worker publishes new keys, which sign once every JWKS cache has them',
    async run(argv, context) {
      parseCommandArgs(argv, {});
      const { signingKeys } = (await context.database()).stores;
      const now = epochSeconds();
      const pending = keyStatuses(await signingKeys.list(), now, TIMING).find(({ state }) => state === 'published');
      if (pending) {
        return {
          lines: [`A rotation is already under way: its keys sign from ${isoDate(pending.key.activatesAt)}.`],
          json: { requested: false, rotation: pending.key.rotation, activates_at: pending.key.activatesAt },
        };
      }
      if (!(await signingKeys.requestRotation(now))) {
        throw new CommandError('there are no managed keys yet (is KEY_ENCRYPTION_KEY set?)', 'not_found');
      }
      const signsWithin = KEY_STATE_CACHE_SECONDS + TIMING.publicationLeadSeconds;
      return {
        lines: [
          `Requested a rotation. The Worker generates and publishes the new keys within ${KEY_STATE_CACHE_SECONDS} s of its next request (or at the next cron run);`,
          `they sign about ${Math.ceil(signsWithin / 60)} minutes after that, and the old keys leave the JWKS once their tokens have expired.`,
        ],
        json: { requested: true, requested_at: now },
      };
    },
  },
  {
    name: 'keys revoke',
    usage: 'keys revoke <kid>',
    summary: 'unpublish a (leaked) key at once: tokens it signed stop verifying; a replacement signs immediately',
    auditType: 'key_revoked',
    async run(argv, context) {
      const { positionals } = parseCommandArgs(argv, {}, ['kid']);
      const kid = positionals[0] ?? '';
      const { signingKeys } = (await context.database()).stores;
      const now = epochSeconds();
      if (!(await signingKeys.revoke(kid, now))) {
        throw new CommandError(`there is no unrevoked managed key ${kid}`, 'not_found');
      }
      return {
        lines: [
          `Revoked ${kid}.`,
          `Within ${KEY_STATE_CACHE_SECONDS} s every Worker isolate stops signing with it and drops it from the JWKS; if it was signing, new keys sign at once.`,
          `Resource servers stop accepting its tokens when they next fetch the JWKS (max-age ${JWKS_MAX_AGE_SECONDS} s).`,
        ],
        json: { revoked: true, kid, revoked_at: now },
      };
    },
  },
];

function keyJson({ key, state, unpublishedAt }: KeyStatus<StoredSigningKey>) {
  return {
    kid: key.kid,
    alg: key.alg,
    rotation: key.rotation,
    state,
    published_at: key.createdAt,
    activates_at: key.activatesAt,
    unpublished_at: unpublishedAt ?? null,
    revoked_at: key.revokedAt,
  };
}
