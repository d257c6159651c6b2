// The client_credentials grant (RFC 6749 §4.4): a confidential client gets a token for itself.
import { issueAccessToken } from '../../tokens/access-token';
import { audienceFor } from '../resource';
import { narrowScope, parseScope } from '../scope';
import type { Grant } from './types';

export const clientCredentialsGrant: Grant = {
  allowsPublicClients: false,
  async handle({ params, client, issuer, config, keys }) {
    const scopes = narrowScope(parseScope(params.get('scope')), client.scopes);
    const audience = audienceFor(params.getAll('resource'), config, issuer);
    const accessToken = await issueAccessToken(
      { issuer, subject: client.id, audience, clientId: client.id, scopes, ttlSeconds: config.accessTokenTtlSeconds },
      keys.primary,
    );
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresIn,
      scope: scopes.join(' '),
    };
  },
};
