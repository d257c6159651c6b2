// What a development seed is: the .dev.vars entries it needs (generated once, then stable) and an idempotent run.
import type { Database } from '../../src/storage/db';
import type { Stores } from '../../src/storage/stores';

export interface SeedContext {
  stores: Stores;
  /** For the few writes the store interfaces do not offer (e.g. refreshing a seeded row). */
  db: Database;
  /** The local issuer, e.g. http://127.0.0.1:8787. */
  issuer: string;
  /** Every .dev.vars entry, including the ones this seed declared. */
  devVars: Readonly<Record<string, string>>;
}

export interface Seed {
  name: string;
  /** .dev.vars entries this seed needs, each generated only when absent so its value survives restarts. */
  devVars?: Record<string, () => string>;
  /** Creates or refreshes the seeded rows; running it twice must change nothing. Returns the lines to print. */
  run(context: SeedContext): Promise<string[]>;
}
