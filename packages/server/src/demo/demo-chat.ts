import { randomUUID } from 'node:crypto';
import { renderInWorkspace } from '../comments/workspace-markdown.ts';
import type { Transaction } from '../db/database.ts';

/** A demo conversation: who says what, by index into the demo users. */
const GENERAL: readonly [author: number, body: string][] = [
  [0, 'Welcome to **Northwind Fabrication** on Tandem! This channel is for everyone.'],
  [1, 'Line 3 is back up after the bearing swap. Throughput looks normal again.'],
  [2, 'Great news. I will review the maintenance log this afternoon.'],
];

const DIRECT: readonly [author: number, body: string][] = [
  [0, 'Bob, can you check the torque spec on the new fixture before Friday?'],
  [0, 'The new jig arrived too: it is on the bench by Line 2.'],
];

/** Creates a `#general` channel with everyone and a DM between the first two demo users, each with a few messages. */
export async function seedDemoChat(tx: Transaction, workspaceId: string, userIds: readonly string[]): Promise<void> {
  const [first, second] = userIds;
  if (!first || !second) return;
  const general = randomUUID();
  await tx.query(`INSERT INTO chat_rooms (id, workspace_id, kind, name, topic, created_by) VALUES ($1, $2, 'channel', 'general', $3, $4)`, [
    general,
    workspaceId,
    'Company-wide news and questions',
    first,
  ]);
  for (const [i, id] of userIds.entries()) {
    await tx.query('INSERT INTO chat_members (room_id, user_id, role) VALUES ($1, $2, $3)', [general, id, i === 0 ? 'admin' : 'member']);
  }
  const direct = randomUUID();
  await tx.query(`INSERT INTO chat_rooms (id, workspace_id, kind, dm_key, created_by) VALUES ($1, $2, 'dm', $3, $4)`, [
    direct,
    workspaceId,
    [first, second].sort().join(':'),
    first,
  ]);
  await tx.query(`INSERT INTO chat_members (room_id, user_id, role) VALUES ($1, $2, 'admin'), ($1, $3, 'admin')`, [direct, first, second]);
  await post(tx, workspaceId, general, userIds, GENERAL);
  await post(tx, workspaceId, direct, userIds, DIRECT);
}

async function post(tx: Transaction, workspaceId: string, roomId: string, userIds: readonly string[], lines: readonly [number, string][]): Promise<void> {
  let last: string | null = null;
  for (const [author, body] of lines) {
    const id = randomUUID();
    const { html } = await renderInWorkspace(tx, workspaceId, body);
    await tx.query('INSERT INTO chat_messages (id, room_id, workspace_id, author_id, body, body_html) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      roomId,
      workspaceId,
      userIds[author] ?? null,
      body,
      html,
    ]);
    last = id;
  }
  await tx.query('UPDATE chat_rooms SET last_message_id = $2, last_message_at = clock_timestamp() WHERE id = $1', [roomId, last]);
}
