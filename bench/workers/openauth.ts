// OpenAuth (@openauthjs/openauth) as a bench peer, in workerd like Portcullis: its issuer with KV storage (its
// Cloudflare adapter) and one provider that accepts the bench client's credentials, for OpenAuth's client_credentials
// grant (client_id and client_secret in the form, `provider` naming the provider) and its JWKS. Its storage binding
// is metered like Portcullis's D1 (storage-meter.ts).
import { issuer } from '@openauthjs/openauth';
import { CloudflareStorage } from '@openauthjs/openauth/storage/cloudflare';
import { createSubjects } from '@openauthjs/openauth/subject';
import { object, string } from 'valibot';
import { metered } from './storage-meter';

type Env = { KV: KVNamespace; CLIENT_ID: string; CLIENT_SECRET: string };

const subjects = createSubjects({ client: object({ clientId: string() }) });
let app: { fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> } | undefined;

function build(env: Env) {
  return issuer({
    subjects,
    storage: CloudflareStorage({ namespace: env.KV }),
    providers: {
      bench: {
        type: 'bench',
        init() {},
        async client({ clientID, clientSecret }: { clientID: string; clientSecret: string }) {
          if (clientID !== env.CLIENT_ID || clientSecret !== env.CLIENT_SECRET) throw new Error('invalid client');
          return { clientID };
        },
      },
    },
    async success(ctx, value) {
      return ctx.subject('client', { clientId: (value as { clientID: string }).clientID });
    },
  });
}

export default metered<Env & Record<string, unknown>>(
  {
    fetch(request, env, ctx) {
      app ??= build(env);
      return app.fetch(request, env, ctx);
    },
  },
  ['KV'],
);
