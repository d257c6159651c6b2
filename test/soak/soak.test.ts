// The soak's short profile: about 12 seconds of mixed traffic (client credentials, code flows through the pages,
// refreshes, introspection, userinfo, verification, registrations, racing redemptions, revocations) against the
// production bundle on workerd, with zero errors and no lost or duplicated token state as the bar.
import { expect, it } from 'vitest';
import { formatSoakReport, runSoak } from '../../scripts/lib/soak/run';

const SOAK_SECONDS = 12;

it(`serves ${SOAK_SECONDS} s of mixed traffic without an error and with no token state lost or duplicated`, async () => {
  const report = await runSoak({ seconds: SOAK_SECONDS, concurrency: 4 });
  console.log(formatSoakReport(report));
  expect(report.errors).toEqual([]);
  expect(report.lost).toEqual([]);
  expect(report.duplicated).toEqual([]);
  // Every kind of traffic ran, enough of it to have raced.
  expect(Object.keys(report.actions).sort()).toEqual(
    ['client_credentials', 'code flow', 'code race', 'introspect', 'refresh', 'registration', 'revoke'].sort(),
  );
  expect(report.requests).toBeGreaterThan(100);
});
