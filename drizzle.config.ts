// drizzle-kit reads the schema and writes SQL migrations that wrangler and the tests apply.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/storage/schema.ts',
  out: './migrations',
});
