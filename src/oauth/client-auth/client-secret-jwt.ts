// client_secret_jwt (RFC 7523 §2.2, OIDC Core §9): a JWT the client signs with HMAC keyed by its client secret. The
// server needs the secret itself for that, so these clients' secrets are also kept sealed (tokens/secret-box.ts).
import { jwtVerify, type JWTVerifyOptions } from 'jose';
import { HMAC_SIGNING_ALGORITHMS } from '../client-key-metadata';
import { assertionKind, checkAssertion, findAssertion } from './client-assertion';
import type { ClientAuthMethod } from './types';

const encoder = new TextEncoder();

export const clientSecretJwt: ClientAuthMethod = {
  usesSecret: true,
  isUsedBy: (request) => assertionKind(request) === 'hmac',
  find(request) {
    const presented = findAssertion(request);
    return {
      method: 'client_secret_jwt',
      clientId: presented.clientId,
      async proves(client, context) {
        if (client?.tokenEndpointAuthMethod !== 'client_secret_jwt' || !client.secretCiphertext) return false;
        if (!context.secretBox) return false;
        let secret: string;
        try {
          secret = await context.secretBox.open(client.secretCiphertext, client.id);
        } catch {
          // Sealed under another key (CLIENT_SECRET_ENCRYPTION_KEY changed): the client must rotate its secret.
          return false;
        }
        const key = await crypto.subtle.importKey(
          'raw',
          encoder.encode(secret),
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['verify'],
        );
        const verify = async (assertion: string, options: JWTVerifyOptions) => {
          try {
            return (await jwtVerify(assertion, key, options)).payload;
          } catch {
            return null;
          }
        };
        return checkAssertion(presented, client, verify, HMAC_SIGNING_ALGORITHMS, context);
      },
    };
  },
};
