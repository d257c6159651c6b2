// The slice of oidc-provider's API the bench server and the federation tests' upstream use (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string, callback: () => void): Server;
    on(event: string, listener: (...args: unknown[]) => void): this;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
