// The example's data: unicorns kept in the isolate's memory, seeded like the sample API's tutorial data. A real MCP
// server would keep them in D1 (as src/api/unicorn-store.ts does); memory keeps the example to its subject, auth.
export interface Unicorn {
  id: string;
  name: string;
  color: string | null;
  /** The `sub` of the token that created it. */
  ownerSub: string;
}

const SEED: readonly Unicorn[] = [
  { id: 'u-1', name: 'Rainbow Dash', color: 'blue', ownerSub: 'seed' },
  { id: 'u-2', name: 'Stardust', color: null, ownerSub: 'seed' },
];

/** Bounded, so a client cannot grow the isolate's memory without limit. */
const MAX_UNICORNS = 500;

export class UnicornHerd {
  private readonly unicorns = new Map(SEED.map((unicorn) => [unicorn.id, unicorn]));

  list(): Unicorn[] {
    return [...this.unicorns.values()];
  }

  find(id: string): Unicorn | undefined {
    return this.unicorns.get(id);
  }

  create(fields: { name: string; color: string | null }, ownerSub: string): Unicorn {
    if (this.unicorns.size >= MAX_UNICORNS) throw new Error('the herd is full');
    const unicorn = { id: `u-${crypto.randomUUID()}`, ...fields, ownerSub };
    this.unicorns.set(unicorn.id, unicorn);
    return unicorn;
  }
}
