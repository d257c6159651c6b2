// The sample API's rows: the unicorns table through Drizzle. Changes are conditional on the owner in the same
// statement, so a non-owner can never win a race between the ownership check and the write.
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../storage/db';
import { unicorns } from '../storage/schema';

export type Unicorn = typeof unicorns.$inferSelect;
export type UnicornChanges = Partial<Pick<Unicorn, 'name' | 'age' | 'color'>>;

/** A write that found no row it may change: none with that id, or one owned by someone else. */
export type WriteRefusal = 'not_found' | 'not_owner';

export interface UnicornStore {
  list(page: { limit: number; offset: number }): Promise<Unicorn[]>;
  findById(id: string): Promise<Unicorn | null>;
  create(unicorn: Unicorn): Promise<void>;
  update(id: string, ownerSub: string, changes: UnicornChanges): Promise<Unicorn | WriteRefusal>;
  delete(id: string, ownerSub: string): Promise<true | WriteRefusal>;
}

export function createUnicornStore(db: Database): UnicornStore {
  const findById = async (id: string) => (await db.select().from(unicorns).where(eq(unicorns.id, id)).get()) ?? null;
  // Runs only after a conditional write matched nothing, to tell the two refusals apart.
  const refusalFor = async (id: string): Promise<WriteRefusal> => ((await findById(id)) ? 'not_owner' : 'not_found');
  const ownedBy = (id: string, ownerSub: string) => and(eq(unicorns.id, id), eq(unicorns.ownerSub, ownerSub));

  return {
    list: ({ limit, offset }) =>
      db.select().from(unicorns).orderBy(asc(unicorns.createdAt), asc(unicorns.id)).limit(limit).offset(offset).all(),
    findById,
    async create(unicorn) {
      await db.insert(unicorns).values(unicorn);
    },
    async update(id, ownerSub, changes) {
      const updated = await db.update(unicorns).set(changes).where(ownedBy(id, ownerSub)).returning().get();
      return updated ?? refusalFor(id);
    },
    async delete(id, ownerSub) {
      const deleted = await db.delete(unicorns).where(ownedBy(id, ownerSub)).returning({ id: unicorns.id }).get();
      return deleted ? true : refusalFor(id);
    },
  };
}
