// `tokens revoke`: revoking the refresh tokens of a user, of a client, or of a user at one client, through the
// Worker's RefreshTokenStore.
import { epochSeconds } from '../../src/tokens/access-token';
import { findClient } from './clients';
import { ACCESS_TOKEN_NOTE, parseCommandArgs, UsageError, type AdminCommand } from './command';
import { findUser } from './users';

export const TOKEN_COMMANDS: AdminCommand[] = [
  {
    name: 'tokens revoke',
    usage: 'tokens revoke --user <username> | --client <client_id> (both: the user’s tokens at that client)',
    summary: 'revoke every refresh token of a user, of a client, or of a user at one client',
    async run(argv, context) {
      const { values } = parseCommandArgs(argv, { user: { type: 'string' }, client: { type: 'string' } });
      if (values.user === undefined && values.client === undefined)
        throw new UsageError('give --user <username>, --client <client_id>, or both');
      const { stores } = await context.database();
      const user = values.user === undefined ? undefined : await findUser(stores, values.user);
      const clientId = values.client;
      if (clientId !== undefined) await findClient(stores, clientId);
      const { refreshTokens } = stores;
      const now = epochSeconds();
      if (user && clientId !== undefined) await refreshTokens.revokeByUserAndClient(user.id, clientId, now);
      else if (user) await refreshTokens.revokeByUser(user.id, now);
      else if (clientId !== undefined) await refreshTokens.revokeByClient(clientId, now);
      const whose = [user && `of user ${user.username}`, clientId !== undefined && `issued to client ${clientId}`]
        .filter(Boolean)
        .join(' ');
      return {
        lines: [`Revoked every refresh token ${whose}.`, ACCESS_TOKEN_NOTE],
        json: {
          revoked: true,
          ...(user ? { user_id: user.id, username: user.username } : {}),
          ...(clientId === undefined ? {} : { client_id: clientId }),
        },
      };
    },
  },
];
