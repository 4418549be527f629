import { randomUUID } from 'node:crypto';
import { CANVAS_EDGES, CANVAS_NODES } from '@tandem/protocol';
import * as Y from 'yjs';
import type { Transaction } from '../db/database.ts';

/** The steps of the demo's production flow: title, note, colour, position. */
const STEPS: readonly [string, string, string, number, number][] = [
  ['Receiving', 'Incoming steel and parts are counted into Inventory.', '#dbeafe', 0, 0],
  ['Cutting', 'Laser and saw; nesting plans from the work order.', '#fef3c7', 260, 0],
  ['Welding', 'Frames and brackets; jigs by Line 2.', '#fee2e2', 520, 0],
  ['Painting', 'Powder coating, 180 °C for 20 min.', '#dcfce7', 520, 180],
  ['Assembly', 'Motors, cylinders and wiring.', '#ede9fe', 260, 180],
  ['Quality check', 'Torque, insulation and dimensions.', '#fce7f3', 0, 180],
  ['Shipping', 'Packed on pallets, delivery note printed.', '#e0f2fe', 0, 360],
];

/** A canvas of the workshop's production flow, so the canvas page has something to show. */
export async function seedDemoCanvas(tx: Transaction, workspaceId: string, ownerId: string | null): Promise<void> {
  const doc = new Y.Doc();
  const nodes = doc.getMap<Y.Map<unknown>>(CANVAS_NODES);
  const edges = doc.getMap<Y.Map<unknown>>(CANVAS_EDGES);
  const ids = STEPS.map(() => randomUUID());
  doc.transact(() => {
    STEPS.forEach(([title, text, color, x, y], i) => {
      const node = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ title, text, color, x, y })) node.set(k, v);
      nodes.set(ids[i] as string, node);
      if (i === 0) return;
      const edge = new Y.Map<unknown>();
      edge.set('source', ids[i - 1]);
      edge.set('target', ids[i]);
      edges.set(randomUUID(), edge);
    });
  });
  const snapshot = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
  doc.destroy();
  await tx.query(
    `INSERT INTO documents (id, workspace_id, kind, name, created_by, snapshot) VALUES ($1, $2, 'canvas', 'Production flow', $3, decode($4, 'base64'))`,
    [randomUUID(), workspaceId, ownerId, snapshot],
  );
}
