// `purge`: deletes expired codes, refresh tokens, sessions and counters now, with the Worker's own purge
// (src/storage/purge.ts), which its hourly cron trigger also runs.
import { purgeExpired } from '../../src/storage/purge';
import { epochSeconds } from '../../src/tokens/access-token';
import { parseCommandArgs, type AdminCommand } from './command';

export const PURGE_COMMANDS: AdminCommand[] = [
  {
    name: 'purge',
    usage: 'purge',
    summary:
      'delete expired authorization codes, refresh tokens, sessions and counters now (the hourly cron does the same)',
    async run(argv, context) {
      parseCommandArgs(argv, {});
      const counts = await purgeExpired((await context.database()).db, epochSeconds());
      return {
        lines: [
          'Deleted expired rows:',
          `  authorization codes: ${counts.authorizationCodes}`,
          `  refresh tokens:      ${counts.refreshTokens}`,
          `  sessions:            ${counts.sessions}`,
          `  login throttles:     ${counts.loginThrottles}`,
          `  rate limits:         ${counts.rateLimits}`,
        ],
        json: {
          authorization_codes: counts.authorizationCodes,
          refresh_tokens: counts.refreshTokens,
          sessions: counts.sessions,
          login_throttles: counts.loginThrottles,
          rate_limits: counts.rateLimits,
        },
      };
    },
  },
];
