// The Worker's own development settings, which `npm start` (scripts/dev.ts) writes into .dev.vars when absent; seeds
// add theirs. Open registration lets any local client onboard, and the limits suit one developer: under `npm start`
// every request comes from one address (or none), so production's per-address limits would stop one run of an
// external conformance suite (about 26 registrations and a few sign-ups). Production defaults (src/config.ts) stay.
import { generateSigningKeySet } from '../../src/tokens/generate-key';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import type { DevVarGenerators } from './dev-vars';
import { DEFAULT_SIGNING_ALGORITHMS } from './signing-algorithms';

/** Development limits: high enough for repeated conformance-suite runs, still finite. */
export const DEV_LIMITS = {
  /** Registrations per address per window (production: 20 an hour). */
  REGISTRATION_RATE_LIMIT: '10000',
  /** Clients per registrant (production: 50). */
  REGISTRATION_MAX_CLIENTS_PER_REGISTRANT: '10000',
  /** Sign-ups per address per hour (production: 10). */
  SIGNUP_RATE_LIMIT: '1000',
  /** Failed client authentications per client and address in 5 minutes (production: 20); a suite's negative tests. */
  CLIENT_AUTH_FAILURE_LIMIT: '10000',
  /** Mail per address and per recipient an hour (production: 10 and 5); a developer trying the reset flow repeatedly. */
  MAIL_RATE_LIMIT: '1000',
  MAIL_RECIPIENT_RATE_LIMIT: '1000',
} as const;

export const WORKER_DEV_VARS: DevVarGenerators = {
  SIGNING_KEYS: async () => JSON.stringify(await generateSigningKeySet(DEFAULT_SIGNING_ALGORITHMS)),
  REGISTRATION_POLICY: () => 'open',
  // Sent as `Authorization: Bearer <token>` to /oauth/register, it registers as the operator (first-party clients,
  // the password grant) under `open` as under `token`.
  REGISTRATION_TOKEN: () => generateOpaqueToken(),
  // 32 random bytes, base64url: turns client_secret_jwt on (RFC 7523), sealing those clients' secrets.
  CLIENT_SECRET_ENCRYPTION_KEY: () => generateOpaqueToken(),
  // Another 32 random bytes: turns two-factor codes (TOTP) on, sealing their secrets.
  TOTP_ENCRYPTION_KEY: () => generateOpaqueToken(),
  ...Object.fromEntries(Object.entries(DEV_LIMITS).map(([name, value]) => [name, () => value])),
};
