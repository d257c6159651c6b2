// Client ID Metadata Documents for the tests: a document of a public MCP-style client, and a stand-in document server
// (the app's fetchDocument) that counts what it is asked for.
export const DOCUMENT_CLIENT_ID = 'https://client.example/oauth/metadata.json';
export const DOCUMENT_REDIRECT = 'https://client.example/callback';
export const DOCUMENT = {
  client_id: DOCUMENT_CLIENT_ID,
  client_name: 'Example MCP client',
  redirect_uris: [DOCUMENT_REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
  scope: 'read',
};

/** A fresh document URL, so tests do not share the app's per-isolate document cache. */
export const freshDocumentUrl = () => `https://client.example/${crypto.randomUUID()}/metadata.json`;

/** A document server: each call is counted and answered with `respond()`. */
export function documentServer(respond: () => Response = () => Response.json(DOCUMENT)) {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request: Request) => {
      requests.push(request);
      return respond();
    },
  };
}

export type DocumentServer = ReturnType<typeof documentServer>;
