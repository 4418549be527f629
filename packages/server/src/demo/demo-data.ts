import { randomUUID } from 'node:crypto';
import type { Role } from '@tandem/protocol';
import { hashPassword } from '../auth/passwords.ts';
import { colorFor } from '../auth/users.ts';
import type { AppContext } from '../context.ts';
import { seedDemoAlerts } from './demo-alerts.ts';
import { seedDemoAnalytics } from './demo-analytics.ts';
import { seedDemoCanvas } from './demo-canvas.ts';
import { seedDemoChat } from './demo-chat.ts';
import { seedDemoTables } from './demo-tables.ts';

/** The password every demo user shares. */
export const DEMO_PASSWORD = 'tandem-demo';

/** The demo users: a plant manager (owner), an engineer (editor) and a reviewer (commenter). */
export const DEMO_USERS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'alice@demo.tandem.dev', name: 'Alice Moreau', role: 'owner' },
  { email: 'bob@demo.tandem.dev', name: 'Bob Okafor', role: 'editor' },
  { email: 'carol@demo.tandem.dev', name: 'Carol Lindqvist', role: 'commenter' },
];

/**
 * On a first start (no users at all), creates the demo workspace "Northwind Fabrication" with
 * its tables and records, a `#general` channel, a direct message, alert rules (low stock, slow delivery), a canvas and two analytics sites (a storefront with two months of visits, and this app tracking itself). Returns the log-in details whenever the demo users exist.
 */
export async function ensureDemoData(ctx: AppContext): Promise<{ emails: string[]; password: string } | null> {
  const emails = DEMO_USERS.map((u) => u.email);
  const existing = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((existing[0]?.n ?? 0) > 0) {
    const demo = await ctx.db.query('SELECT id FROM users WHERE lower(email) = ANY($1::text[])', [emails]);
    return demo.length > 0 ? { emails, password: DEMO_PASSWORD } : null;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const workspaceId = randomUUID();
  const users = DEMO_USERS.map((u) => ({ ...u, id: randomUUID() }));
  await ctx.db.transaction(async (tx) => {
    for (const u of users) {
      await tx.query('INSERT INTO users (id, email, name, password_hash, color) VALUES ($1, $2, $3, $4, $5)', [
        u.id,
        u.email,
        u.name,
        passwordHash,
        colorFor(u.id),
      ]);
    }
    await tx.query('INSERT INTO workspaces (id, name, created_by) VALUES ($1, $2, $3)', [workspaceId, 'Northwind Fabrication', users[0]?.id ?? null]);
    for (const u of users) await tx.query('INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3)', [workspaceId, u.id, u.role]);
    await seedDemoTables(
      tx,
      workspaceId,
      users.map((u) => u.id),
    );
    await seedDemoChat(
      tx,
      workspaceId,
      users.map((u) => u.id),
    );
    await seedDemoAlerts(tx, workspaceId, users[0]?.id ?? null);
    await seedDemoCanvas(tx, workspaceId, users[0]?.id ?? null);
    await seedDemoAnalytics(tx, workspaceId, users[0]?.id ?? null, ctx.publicOrigin());
  });
  ctx.log.info({ workspaceId }, 'demo data created');
  return { emails, password: DEMO_PASSWORD };
}
