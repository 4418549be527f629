import { randomUUID } from 'node:crypto';
import { type Actor, type Approval, type ApprovalStatus, type Role, roleAtLeast, roomName } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { keysetPage } from '../db/keyset-page.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import { notify } from '../notifications/notification-writer.ts';
import type { Access } from '../workspaces/access.ts';

/** A new approval request, by hand or from a workflow rule. */
export interface NewApproval {
  readonly workspaceId: string;
  readonly tableId: string;
  readonly recordId: string;
  readonly title: string;
  readonly description: string;
  readonly assigneeIds: readonly string[];
  readonly dueAt: Date | null;
  readonly actor: Actor;
  readonly workflowId: string | null;
}

/** Filters of `GET /approvals`. */
export interface ApprovalFilter {
  readonly status?: ApprovalStatus;
  /** `me` or a user id. */
  readonly assignee?: string;
  /** `me` or a user id. */
  readonly requester?: string;
  readonly recordId?: string;
  readonly workspaceId?: string;
  /** Position cursor from a previous page's `next_cursor`. */
  readonly cursor?: number;
  readonly limit: number;
}

interface ApprovalRow {
  id: string;
  position: number;
  workspace_id: string;
  table_id: string;
  record_id: string;
  title: string;
  description: string;
  status: ApprovalStatus;
  requested_by: string | null;
  requester_name: string | null;
  due_at: Date | null;
  responded_by: string | null;
  responder_name: string | null;
  response_note: string | null;
  responded_at: Date | null;
  workflow_id: string | null;
  created_at: Date;
  updated_at: Date;
  assignees: Actor[];
}

const SELECT = `SELECT a.id, a.position, a.workspace_id, a.table_id, a.record_id, a.title, a.description, a.status, a.requested_by,
  rq.name AS requester_name, a.due_at, a.responded_by, rs.name AS responder_name, a.response_note, a.responded_at, a.workflow_id,
  a.created_at, a.updated_at,
  (SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id), '[]'::json)
     FROM approval_assignees aa JOIN users u ON u.id = aa.user_id WHERE aa.approval_id = a.id) AS assignees
  FROM approvals a LEFT JOIN users rq ON rq.id = a.requested_by LEFT JOIN users rs ON rs.id = a.responded_by`;

/**
 * Approval requests on records: created by a commenter or above (or a workflow rule), answered
 * once by one of the assignees, cancelled by the requester. Every step is in the activity feed,
 * in the record and table rooms and in the rooms of the people involved.
 */
export class ApprovalService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  /** Requests an approval on a record. */
  async create(auth: AuthInfo, input: { recordId: string; title: string; description: string; assigneeIds: readonly string[]; dueAt: Date | null }) {
    const scope = await this.access.require(auth, 'record', input.recordId, 'commenter');
    return this.ctx.db.transaction((tx) =>
      this.createInTx(tx, { ...input, workspaceId: scope.workspaceId, tableId: scope.tableId ?? '', actor: actorOf(auth), workflowId: null }),
    );
  }

  /** Creates an approval in the caller's transaction (also used by workflow rules). */
  async createInTx(tx: Transaction, input: NewApproval): Promise<Approval> {
    const assigneeIds = [...new Set(input.assigneeIds)];
    const members = await tx.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
      input.workspaceId,
      assigneeIds,
    ]);
    const missing = assigneeIds.filter((id) => !members.some((m) => m.user_id === id));
    if (missing.length > 0) throw errors.invalid('Every assignee must be a member of the workspace.', { field: 'assignee_ids', missing });
    const id = randomUUID();
    await tx.query(
      `INSERT INTO approvals (id, workspace_id, table_id, record_id, title, description, requested_by, due_at, workflow_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, input.workspaceId, input.tableId, input.recordId, input.title, input.description, input.actor.id, input.dueAt, input.workflowId],
    );
    for (const userId of assigneeIds) await tx.query('INSERT INTO approval_assignees (approval_id, user_id) VALUES ($1, $2)', [id, userId]);
    const approval = await this.#read(tx, id);
    this.ctx.events.append(tx, roomsOf(approval), 'approval_requested', input.actor, approval);
    await writeActivity(tx, this.ctx.events, {
      workspaceId: input.workspaceId,
      tableId: input.tableId,
      recordId: input.recordId,
      entityType: 'approval',
      entityId: id,
      action: 'requested',
      actor: input.actor,
      meta: { approval_id: id, title: input.title, status: 'pending', assignee_ids: assigneeIds, due_at: approval.due_at, workflow_id: input.workflowId },
    });
    await notify(tx, this.ctx.events, {
      type: 'approval_requested',
      recipients: assigneeIds,
      actor: input.actor,
      title: `${input.actor.name} asks for your approval: ${input.title}`,
      body: input.description,
      workspaceId: input.workspaceId,
      tableId: input.tableId,
      recordId: input.recordId,
      approvalId: id,
    });
    return approval;
  }

  /** Approvals in the caller's workspaces, newest first. */
  async list(auth: AuthInfo, filter: ApprovalFilter): Promise<{ approvals: Approval[]; next_cursor: string | null }> {
    const me = auth.user.id;
    const params = new SqlParams();
    const member = params.add(me);
    const where: string[] = [];
    if (filter.status) where.push(`a.status = ${params.add(filter.status)}`);
    if (filter.assignee) {
      const assignee = params.add(filter.assignee === 'me' ? me : filter.assignee);
      where.push(`EXISTS (SELECT 1 FROM approval_assignees x WHERE x.approval_id = a.id AND x.user_id = ${assignee}::uuid)`);
    }
    if (filter.requester) where.push(`a.requested_by = ${params.add(filter.requester === 'me' ? me : filter.requester)}::uuid`);
    if (filter.recordId) where.push(`a.record_id = ${params.add(filter.recordId)}::uuid`);
    if (filter.workspaceId) where.push(`a.workspace_id = ${params.add(filter.workspaceId)}::uuid`);
    if (filter.cursor !== undefined) where.push(`a.position < ${params.add(filter.cursor)}`);
    const rows = await this.ctx.db.query<ApprovalRow>(
      `${SELECT} JOIN members m ON m.workspace_id = a.workspace_id AND m.user_id = ${member}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.position DESC LIMIT ${params.add(filter.limit + 1)}`,
      params.values,
    );
    const page = keysetPage(rows, filter.limit, (last) => String(last.position));
    return { approvals: page.rows.map(toApproval), next_cursor: page.nextCursor };
  }

  /** One approval (members of its workspace only). */
  async get(auth: AuthInfo, id: string): Promise<Approval> {
    const { approval } = await this.#authorise(this.ctx.db, auth, id, 'viewer');
    return approval;
  }

  /**
   * Approves or rejects; only an assignee, only while pending. The row lock makes two
   * simultaneous answers serialise: the second sees the first and gets `conflict`.
   */
  async respond(auth: AuthInfo, id: string, status: 'approved' | 'rejected', note: string): Promise<Approval> {
    return this.ctx.db.transaction(async (tx) => {
      const { approval } = await this.#authorise(tx, auth, id, 'viewer', true);
      if (!approval.assignees.some((a) => a.id === auth.user.id)) throw errors.forbidden('Only an assignee can answer this approval.');
      if (approval.status !== 'pending') throw errors.conflict(`This approval was already ${approval.status}.`, { status: approval.status });
      return this.#close(tx, auth, approval, status, note);
    });
  }

  /** Cancels a pending approval; only its requester (or a workspace admin). */
  async cancel(auth: AuthInfo, id: string): Promise<Approval> {
    return this.ctx.db.transaction(async (tx) => {
      const { approval, role } = await this.#authorise(tx, auth, id, 'viewer', true);
      if (approval.requester?.id !== auth.user.id && !roleAtLeast(role, 'admin')) throw errors.forbidden('Only the requester can cancel this approval.');
      if (approval.status !== 'pending') throw errors.conflict(`This approval was already ${approval.status}.`, { status: approval.status });
      return this.#close(tx, auth, approval, 'cancelled', '');
    });
  }

  async #close(tx: Transaction, auth: AuthInfo, before: Approval, status: Exclude<ApprovalStatus, 'pending'>, note: string): Promise<Approval> {
    await tx.query(`UPDATE approvals SET status = $2, responded_by = $3, response_note = $4, responded_at = now(), updated_at = now() WHERE id = $1`, [
      before.id,
      status,
      auth.user.id,
      note,
    ]);
    const approval = await this.#read(tx, before.id);
    this.ctx.events.append(tx, roomsOf(approval), 'approval_responded', actorOf(auth), approval);
    await writeActivity(tx, this.ctx.events, {
      workspaceId: approval.workspace_id,
      tableId: approval.table_id,
      recordId: approval.record_id,
      entityType: 'approval',
      entityId: approval.id,
      action: status,
      actor: actorOf(auth),
      meta: { approval_id: approval.id, title: approval.title, status, note },
    });
    if (status !== 'cancelled' && approval.requester) {
      await notify(tx, this.ctx.events, {
        type: 'approval_answered',
        recipients: [approval.requester.id],
        actor: actorOf(auth),
        title: `${auth.user.name} ${status} “${approval.title}”`,
        body: note,
        workspaceId: approval.workspace_id,
        tableId: approval.table_id,
        recordId: approval.record_id,
        approvalId: approval.id,
      });
    }
    return approval;
  }

  async #authorise(db: Queryable, auth: AuthInfo, id: string, min: Role, lock = false): Promise<{ approval: Approval; role: Role }> {
    if (lock) await db.query('SELECT 1 FROM approvals WHERE id = $1 FOR UPDATE', [id]);
    const [row] = await db.query<ApprovalRow & { role: Role | null }>(
      `${SELECT.replace('SELECT ', 'SELECT m.role, ')} LEFT JOIN members m ON m.workspace_id = a.workspace_id AND m.user_id = $2 WHERE a.id = $1`,
      [id, auth.user.id],
    );
    if (!row?.role) throw errors.notFound('Approval');
    if (!roleAtLeast(row.role, min)) throw errors.forbidden();
    return { approval: toApproval(row), role: row.role };
  }

  async #read(db: Queryable, id: string): Promise<Approval> {
    const [row] = await db.query<ApprovalRow>(`${SELECT} WHERE a.id = $1`, [id]);
    if (!row) throw errors.notFound('Approval');
    return toApproval(row);
  }
}

/** Record and table rooms, and the rooms of the requester and every assignee. */
function roomsOf(approval: Approval): string[] {
  const people = [approval.requester?.id, ...approval.assignees.map((a) => a.id)].filter((id): id is string => Boolean(id));
  return [roomName('record', approval.record_id), roomName('table', approval.table_id), ...people.map((id) => roomName('user', id))];
}

function toApproval(row: ApprovalRow): Approval {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    table_id: row.table_id,
    record_id: row.record_id,
    title: row.title,
    description: row.description,
    status: row.status,
    requester: row.requested_by ? { id: row.requested_by, name: row.requester_name ?? '' } : null,
    assignees: row.assignees,
    due_at: row.due_at?.toISOString() ?? null,
    response: row.responded_at
      ? {
          by: row.responded_by ? { id: row.responded_by, name: row.responder_name ?? '' } : null,
          note: row.response_note ?? '',
          at: row.responded_at.toISOString(),
        }
      : null,
    workflow_id: row.workflow_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
