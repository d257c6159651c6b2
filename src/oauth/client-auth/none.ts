// `none` (RFC 7591 §2): a public client names itself with client_id and proves nothing; only a client registered
// as public is accepted this way. The registry falls back to it when a request uses no other method.
import type { ClientAuthMethod } from './types';

export const none: ClientAuthMethod = {
  usesSecret: false,
  // No request "uses" none: it is what remains when no credentials are there.
  isUsedBy: () => false,
  find({ params }) {
    const clientId = params.get('client_id');
    if (clientId === undefined) return undefined;
    return {
      method: 'none',
      clientId,
      proves: async (client) => client?.tokenEndpointAuthMethod === 'none',
    };
  },
};
