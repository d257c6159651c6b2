// The client_credentials grant (RFC 6749 §4.4): a confidential client gets a token for itself.
import { audienceFor } from '../resource';
import { narrowScope, parseScope } from '../scope';
import { issueGrantAccessToken, tokenResponse } from '../token-response';
import type { Grant } from './types';

export const clientCredentialsGrant: Grant = {
  allowsPublicClients: false,
  async handle(context) {
    const { params, client, issuer, config } = context;
    const scopes = narrowScope(parseScope(params.get('scope')), client.scopes);
    const audience = audienceFor(params.getAll('resource'), config, issuer);
    const accessToken = await issueGrantAccessToken(context, { subject: client.id, audience, scopes });
    return tokenResponse(accessToken, scopes);
  },
};
