// Values shared by the test configuration (vitest.config.ts bindings) and the tests.
export const TEST_ISSUER = 'https://issuer.test';
export const TEST_AUDIENCE = `${TEST_ISSUER}/api`;
