import type { Transaction } from '../db/database.ts';

/** Creates the demo tables and records (filled in by the tables module). */
export async function seedDemoTables(_tx: Transaction, _workspaceId: string, _userIds: readonly string[]): Promise<void> {}
