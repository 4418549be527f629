import { randomUUID } from 'node:crypto';
import { type Actor, type MemberInfo, type Role, roomName } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from './access.ts';

/** A workspace member as the API returns it. */
export type Member = MemberInfo;

/** Workspaces and their members. Roles: admins manage members; only owners grant or take `owner`. */
export class WorkspaceService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  async list(auth: AuthInfo) {
    return this.ctx.db.query<{ id: string; name: string; created_at: Date; role: Role }>(
      `SELECT w.id, w.name, w.created_at, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id
       WHERE m.user_id = $1 ORDER BY w.created_at, w.id`,
      [auth.user.id],
    );
  }

  async get(auth: AuthInfo, workspaceId: string) {
    const scope = await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    const [row] = await this.ctx.db.query<{ id: string; name: string; created_at: Date }>('SELECT id, name, created_at FROM workspaces WHERE id = $1', [
      workspaceId,
    ]);
    if (!row) throw errors.notFound('Workspace');
    return { ...row, role: scope.role };
  }

  /** Creates a workspace with the caller as its owner. */
  async create(auth: AuthInfo, name: string) {
    const id = randomUUID();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<{ created_at: Date }>('INSERT INTO workspaces (id, name, created_by) VALUES ($1, $2, $3) RETURNING created_at', [
        id,
        name,
        auth.user.id,
      ]);
      await tx.query(`INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, 'owner')`, [id, auth.user.id]);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: id,
        entityType: 'workspace',
        entityId: id,
        action: 'created',
        actor: actorOf(auth),
        meta: { name },
      });
      if (!row) throw new Error('INSERT … RETURNING gave no row');
      return { id, name, created_at: row.created_at, role: 'owner' as Role };
    });
  }

  async members(auth: AuthInfo, workspaceId: string): Promise<Member[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    return this.ctx.db.query<Member>(
      `SELECT u.id AS user_id, u.email, u.name, u.color, m.role, m.created_at AS joined_at
       FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.name, u.id`,
      [workspaceId],
    );
  }

  /** Adds an existing user by email. */
  async addMember(auth: AuthInfo, workspaceId: string, email: string, role: Role): Promise<Member> {
    const scope = await this.access.require(auth, 'workspace', workspaceId, 'admin');
    if (role === 'owner' && scope.role !== 'owner') throw errors.forbidden('Only an owner can add another owner.');
    const member = await this.ctx.db.transaction(async (tx) => {
      const [user] = await tx.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email.trim()]);
      if (!user) throw errors.invalid('No user has this email; they need to register first.', { field: 'email' });
      return this.addMemberIn(tx, actorOf(auth), workspaceId, user.id, role);
    });
    await this.announceMembership(workspaceId, member.user_id);
    return member;
  }

  /**
   * Adds `userId` with `role` inside `tx` (the caller checked who may): the member event and the
   * activity entry go with it. `conflict` when they are already a member. Call
   * {@link announceMembership} after the commit.
   */
  async addMemberIn(tx: Transaction, actor: Actor, workspaceId: string, userId: string, role: Role): Promise<Member> {
    const inserted = await tx.query('INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id', [
      workspaceId,
      userId,
      role,
    ]);
    if (inserted.length === 0) throw errors.conflict('This user is already a member.');
    const added = await this.#member(tx, workspaceId, userId);
    this.ctx.events.append(tx, [roomName('workspace', workspaceId)], 'member_added', actor, added);
    await writeActivity(tx, this.ctx.events, {
      workspaceId,
      entityType: 'member',
      entityId: userId,
      action: 'added',
      actor,
      meta: { role, name: added.name },
    });
    return added;
  }

  /** Changes a member's role; the last owner cannot be demoted. */
  async changeRole(auth: AuthInfo, workspaceId: string, userId: string, role: Role): Promise<Member> {
    const scope = await this.access.require(auth, 'workspace', workspaceId, 'admin');
    const member = await this.ctx.db.transaction(async (tx) => {
      const current = await this.#lockMember(tx, workspaceId, userId);
      if ((current === 'owner' || role === 'owner') && scope.role !== 'owner') throw errors.forbidden('Only an owner can grant or take the owner role.');
      if (current === 'owner' && role !== 'owner') await this.#assertAnotherOwner(tx, workspaceId, userId);
      await tx.query('UPDATE members SET role = $3 WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId, role]);
      const updated = await this.#member(tx, workspaceId, userId);
      this.ctx.events.append(tx, [roomName('workspace', workspaceId)], 'member_updated', actorOf(auth), updated);
      await writeActivity(tx, this.ctx.events, {
        workspaceId,
        entityType: 'member',
        entityId: userId,
        action: 'role_changed',
        actor: actorOf(auth),
        meta: { name: updated.name, before: current, after: role },
      });
      return updated;
    });
    await this.announceMembership(workspaceId, userId);
    return member;
  }

  /** Removes a member (admins remove others; anyone may leave); the last owner cannot leave. */
  async removeMember(auth: AuthInfo, workspaceId: string, userId: string): Promise<void> {
    const self = userId === auth.user.id;
    const scope = await this.access.require(auth, 'workspace', workspaceId, self ? 'viewer' : 'admin');
    await this.ctx.db.transaction(async (tx) => {
      const current = await this.#lockMember(tx, workspaceId, userId);
      if (current === 'owner' && !self && scope.role !== 'owner') throw errors.forbidden('Only an owner can remove an owner.');
      if (current === 'owner') await this.#assertAnotherOwner(tx, workspaceId, userId);
      await tx.query('DELETE FROM members WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
      this.ctx.events.append(tx, [roomName('workspace', workspaceId)], 'member_removed', actorOf(auth), { user_id: userId });
      await writeActivity(tx, this.ctx.events, { workspaceId, entityType: 'member', entityId: userId, action: 'removed', actor: actorOf(auth) });
    });
    await this.announceMembership(workspaceId, userId);
  }

  async #lockMember(tx: Transaction, workspaceId: string, userId: string): Promise<Role> {
    const [row] = await tx.query<{ role: Role }>('SELECT role FROM members WHERE workspace_id = $1 AND user_id = $2 FOR UPDATE', [workspaceId, userId]);
    if (!row) throw errors.notFound('Member');
    return row.role;
  }

  async #assertAnotherOwner(tx: Transaction, workspaceId: string, userId: string): Promise<void> {
    // Lock every owner row so two admins cannot demote the last two owners at once.
    const owners = await tx.query(`SELECT user_id FROM members WHERE workspace_id = $1 AND role = 'owner' AND user_id <> $2 FOR UPDATE`, [workspaceId, userId]);
    if (owners.length === 0) throw errors.conflict('A workspace needs at least one owner.');
  }

  async #member(tx: Transaction, workspaceId: string, userId: string): Promise<Member> {
    const [row] = await tx.query<Member>(
      `SELECT u.id AS user_id, u.email, u.name, u.color, m.role, m.created_at AS joined_at
       FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2`,
      [workspaceId, userId],
    );
    if (!row) throw errors.notFound('Member');
    return row;
  }

  /** Tells every node to re-check this user's subscriptions in the workspace. */
  async announceMembership(workspaceId: string, userId: string): Promise<void> {
    this.access.forgetMember(workspaceId, userId);
    await this.ctx.bus.publish({ kind: 'control', control: { type: 'membership_changed', workspace_id: workspaceId, user_id: userId } });
  }
}
