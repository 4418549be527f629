import type { Database } from './database.ts';

/** One versioned schema change. Ids are applied in ascending order and never edited once shipped. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies every pending migration of `migrations` (each domain's list, composed in app.ts) in one
 * transaction, in ascending id order whatever order the lists come in. A transaction-scoped advisory lock makes
 * it safe for several server processes to start at once: the second waits, then finds nothing
 * left to do.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  const ids = new Set<number>();
  for (const m of migrations) {
    // Two domains picking the same id would silently skip one of them on every database.
    if (ids.has(m.id)) throw new Error(`Migration id ${m.id} (${m.name}) is used twice.`);
    ids.add(m.id);
  }
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7243811)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}
