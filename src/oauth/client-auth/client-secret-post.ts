// client_secret_post (RFC 6749 §2.3.1): client_id and client_secret as form parameters in the request body.
import { clientSecretMatches } from './client-secret';
import type { ClientAuthMethod } from './types';

export const clientSecretPost: ClientAuthMethod = {
  usesSecret: true,
  isUsedBy: ({ params }) => params.get('client_secret') !== undefined,
  find({ params }) {
    const clientId = params.get('client_id');
    const secret = params.get('client_secret');
    if (clientId === undefined || secret === undefined) return undefined;
    return {
      method: 'client_secret_post',
      clientId,
      proves: (client) => clientSecretMatches(secret, client),
    };
  },
};
