// Five test projects (`npm test` runs all): `workers`, everything under test/ but e2e, cli and soak, in workerd on a
// real local D1, with signing keys generated per run (no private key is committed) and migrations/ read here and
// applied by test/setup/apply-migrations.ts; `e2e`, a real browser against `wrangler dev`; `cli`, the admin CLI on a
// temporary D1; `verify`, the @portcullis/verify package's own tests against its built output
// (packages/verify/vitest.config.ts); `soak`, a short soak of mixed traffic against the production bundle on workerd.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import {
  CLIENT_AUTH_FAILURE_LIMIT,
  MAIL_RATE_LIMIT,
  MAIL_RECIPIENT_RATE_LIMIT,
  REGISTRATION_MAX_CLIENTS_PER_REGISTRANT,
  REGISTRATION_RATE_LIMIT,
} from './src/config.ts';
import { generateSigningKeySet } from './src/tokens/generate-key.ts';

import { TEST_ISSUER } from './test/helpers/constants.ts';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  const signingKeys = await generateSigningKeySet(['ES256', 'RS256']);
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  ISSUER: TEST_ISSUER,
                  SIGNING_KEYS: JSON.stringify(signingKeys),
                  REGISTRATION_POLICY: 'open',
                  // Pinned: the pool also reads a local .dev.vars (npm start writes one), which must not steer tests.
                  REGISTRATION_TOKEN: 'test-initial-access-token',
                  // Every test request comes from one address; the sign-up limit has its own test.
                  SIGNUP_RATE_LIMIT: '100000',
                  // client_secret_jwt on, with a key of this run.
                  CLIENT_SECRET_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString(
                    'base64url',
                  ),
                  // Two-factor codes on, with a key of this run.
                  TOTP_ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'),
                  // The production defaults, whatever development limits npm start wrote into .dev.vars.
                  REGISTRATION_RATE_LIMIT: String(REGISTRATION_RATE_LIMIT),
                  REGISTRATION_MAX_CLIENTS_PER_REGISTRANT: String(REGISTRATION_MAX_CLIENTS_PER_REGISTRANT),
                  CLIENT_AUTH_FAILURE_LIMIT: String(CLIENT_AUTH_FAILURE_LIMIT),
                  MAIL_RATE_LIMIT: String(MAIL_RATE_LIMIT),
                  MAIL_RECIPIENT_RATE_LIMIT: String(MAIL_RECIPIENT_RATE_LIMIT),
                  // The development outbox, whatever .dev.vars says.
                  MAILER: 'outbox',
                  TEST_MIGRATIONS: migrations,
                  // The fuzzer's long profile (npm run fuzz) passes these; npm test leaves them empty (fast profile).
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
                  FUZZ_SEED: process.env.FUZZ_SEED ?? '',
                },
              },
            }),
          ],
          test: {
            name: 'workers',
            setupFiles: ['./test/setup/apply-migrations.ts'],
            // The upstream OpenID providers of test/http/upstream-*.test.ts, on loopback ports.
            globalSetup: ['./test/setup/upstreams.ts'],
            include: ['test/**/*.test.ts'],
            exclude: ['test/e2e/**', 'test/cli/**', 'test/soak/**'],
          },
        },
        './vitest.e2e.config.ts',
        './vitest.cli.config.ts',
        './packages/verify/vitest.config.ts',
        './vitest.soak.config.ts',
      ],
    },
  };
});
