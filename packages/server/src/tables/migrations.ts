import type { Migration } from '../db/migrate.ts';

/**
 * Schema changes of tables, fields and views after the foundation migration (ids 90–99: the range
 * after workspace invitations 80–89).
 */
export const TABLE_MIGRATIONS: readonly Migration[] = [
  {
    id: 90,
    name: 'field descriptions',
    sql: `ALTER TABLE fields ADD COLUMN description text NOT NULL DEFAULT ''`,
  },
];
