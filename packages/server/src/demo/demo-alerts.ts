import { randomUUID } from 'node:crypto';
import type { Transaction } from '../db/database.ts';

/**
 * The demo's alert rules: low stock on Inventory ("On hand" below "Reorder point", for owners and
 * admins) and a critical threshold rule on delivery latency, so the operations page has something
 * to show and a stock change in the grid raises an alert. Needs the demo tables.
 */
export async function seedDemoAlerts(tx: Transaction, workspaceId: string, ownerId: string | null): Promise<void> {
  const fields = await tx.query<{ table_id: string; id: string; name: string }>(
    `SELECT f.table_id, f.id, f.name FROM fields f JOIN tables t ON t.id = f.table_id
     WHERE t.workspace_id = $1 AND t.name = 'Inventory' AND f.name IN ('On hand', 'Reorder point')`,
    [workspaceId],
  );
  const onHand = fields.find((f) => f.name === 'On hand');
  const reorder = fields.find((f) => f.name === 'Reorder point');
  const insert = (name: string, kind: string, severity: string, condition: unknown, tableId: string | null) =>
    tx.query(
      `INSERT INTO alert_rules (id, workspace_id, name, kind, severity, recipients, condition, table_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        workspaceId,
        name,
        kind,
        severity,
        JSON.stringify({ user_ids: [], roles: ['owner', 'admin'] }),
        JSON.stringify(condition),
        tableId,
        ownerId,
      ],
    );
  if (onHand && reorder) {
    await insert(
      'Low stock',
      'record',
      'warning',
      { match: 'all', conditions: [{ field_id: onHand.id, comparison: 'lt', other_field_id: reorder.id }] },
      onHand.table_id,
    );
  }
  await insert('Slow delivery', 'threshold', 'critical', { metric: 'delivery_p99_ms', comparison: 'gt', threshold: 200, for_seconds: 60 }, null);
}
