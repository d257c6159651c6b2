// Applies migrations/ to the test D1 before each test file (already-applied ones are skipped).
import { applyD1Migrations, env } from 'cloudflare:test';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
