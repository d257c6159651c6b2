// private_key_jwt (RFC 7523 §2.2, OIDC Core §9): a JWT the client signs with a private key whose public half it
// registered as `jwks` or at `jwks_uri`. An unknown `kid` or a failed signature refetches a jwks_uri once (at most
// every 30 s, oauth/client-jwks.ts), so a key the client rotated works at once.
import { verifyClientSignedJwt } from '../client-jwks';
import { ASYMMETRIC_SIGNING_ALGORITHMS } from '../client-key-metadata';
import { assertionKind, checkAssertion, findAssertion } from './client-assertion';
import type { ClientAuthMethod } from './types';

export const privateKeyJwt: ClientAuthMethod = {
  usesSecret: false,
  isUsedBy: (request) => assertionKind(request) === 'signature',
  find(request) {
    const presented = findAssertion(request);
    return {
      method: 'private_key_jwt',
      clientId: presented.clientId,
      async proves(client, context) {
        if (client?.tokenEndpointAuthMethod !== 'private_key_jwt') return false;
        const verify = (assertion: string, options: Parameters<typeof verifyClientSignedJwt>[3]) =>
          verifyClientSignedJwt(assertion, client, context.clientKeys, options);
        return checkAssertion(presented, client, verify, ASYMMETRIC_SIGNING_ALGORITHMS, context);
      },
    };
  },
};
