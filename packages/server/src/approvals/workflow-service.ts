import { randomUUID } from 'node:crypto';
import { writeActivity } from '../activity/activity-writer.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { RecordWriteChange } from '../records/record-write-hooks.ts';
import type { Access } from '../workspaces/access.ts';
import type { ApprovalService } from './approval-service.ts';

/** A workflow rule: when `field_id` becomes `value`, request approval from `assignee_ids` with `title`. */
export interface Workflow {
  readonly id: string;
  readonly workspace_id: string;
  readonly table_id: string;
  readonly name: string;
  readonly field_id: string;
  /** The value as stored in the record (e.g. the option name of a single select). */
  readonly value: unknown;
  readonly assignee_ids: readonly string[];
  readonly title: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Fields of a rule that can be set. */
export interface WorkflowInput {
  readonly name?: string;
  readonly field_id?: string;
  readonly value?: unknown;
  readonly assignee_ids?: readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly enabled?: boolean;
}

interface WorkflowRow extends Omit<Workflow, 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, workspace_id, table_id, name, field_id, value, assignee_ids, title, description, enabled, created_by, created_at, updated_at';

/**
 * Workflow rules per table (admins manage them) and their evaluation inside record writes:
 * a rule fires when a write moves its field into the rule's value, not when the value merely
 * stays there, and at most once per record version (a unique key on the run).
 */
export class WorkflowService {
  /**
   * Enabled rules per table, so that record writes (most of which match no rule) need no query.
   * A change is forgotten at once on every node through the bus; the cache lifetime bounds the
   * delay when that notice is lost.
   */
  readonly #rules: TtlCache<string, readonly WorkflowRow[]>;

  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly approvals: ApprovalService,
  ) {
    this.#rules = new TtlCache(ctx.config.authCacheMs, 10_000);
    ctx.bus.onMessage((message) => {
      if (message.kind === 'control' && message.control.type === 'workflows_changed') this.#rules.delete(message.control.table_id);
    });
  }

  /** Forgets the table's rules here and on every other node. */
  async #changed(tableId: string): Promise<void> {
    this.#rules.delete(tableId);
    await this.ctx.bus.publish({ kind: 'control', control: { type: 'workflows_changed', table_id: tableId } });
  }

  async #enabledRules(tx: Transaction, tableId: string): Promise<readonly WorkflowRow[]> {
    const known = this.#rules.get(tableId);
    if (known) return known;
    const stamp = this.#rules.stamp();
    const rows = await tx.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE table_id = $1 AND enabled ORDER BY created_at, id`, [tableId]);
    this.#rules.set(tableId, rows, undefined, stamp);
    return rows;
  }

  /** Rules of a table. */
  async list(auth: AuthInfo, tableId: string): Promise<Workflow[]> {
    await this.access.require(auth, 'table', tableId, 'viewer');
    const rows = await this.ctx.db.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE table_id = $1 ORDER BY created_at, id`, [tableId]);
    return rows.map(toWorkflow);
  }

  /** Adds a rule (admin). */
  async create(auth: AuthInfo, tableId: string, input: Required<Omit<WorkflowInput, 'name' | 'description' | 'enabled'>> & WorkflowInput): Promise<Workflow> {
    const scope = await this.access.require(auth, 'table', tableId, 'admin');
    const value = await this.#validate(this.ctx.db, scope.workspaceId, tableId, input);
    const id = randomUUID();
    const [row] = await this.ctx.db.query<WorkflowRow>(
      `INSERT INTO workflows (id, workspace_id, table_id, name, field_id, value, assignee_ids, title, description, enabled, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        id,
        scope.workspaceId,
        tableId,
        input.name ?? input.title,
        input.field_id,
        JSON.stringify(value),
        JSON.stringify([...new Set(input.assignee_ids)]),
        input.title,
        input.description ?? '',
        input.enabled ?? true,
        auth.user.id,
      ],
    );
    if (!row) throw new Error('workflow insert returned nothing');
    await this.#changed(tableId);
    return toWorkflow(row);
  }

  /** Changes a rule (admin). */
  async update(auth: AuthInfo, id: string, patch: WorkflowInput): Promise<Workflow> {
    const current = await this.#load(auth, id);
    const next = { ...current, ...patch, assignee_ids: patch.assignee_ids ? [...new Set(patch.assignee_ids)] : current.assignee_ids };
    const value = await this.#validate(this.ctx.db, current.workspace_id, current.table_id, next);
    const [row] = await this.ctx.db.query<WorkflowRow>(
      `UPDATE workflows SET name = $2, field_id = $3, value = $4::jsonb, assignee_ids = $5::jsonb, title = $6, description = $7, enabled = $8, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, next.name, next.field_id, JSON.stringify(value), JSON.stringify(next.assignee_ids), next.title, next.description, next.enabled],
    );
    if (!row) throw errors.notFound('Workflow');
    await this.#changed(current.table_id);
    return toWorkflow(row);
  }

  /** Deletes a rule (admin); its past runs go with it, the approvals it created stay. */
  async remove(auth: AuthInfo, id: string): Promise<void> {
    const current = await this.#load(auth, id);
    await this.ctx.db.query('DELETE FROM workflows WHERE id = $1', [id]);
    await this.#changed(current.table_id);
  }

  /** Evaluates the table's rules for one record write, in its transaction. */
  readonly onRecordWrite = async (tx: Transaction, change: RecordWriteChange): Promise<void> => {
    if (change.action === 'deleted' || change.changes.length === 0) return;
    const changed = new Set(change.changes.map((c) => c.field_id));
    const rules = (await this.#enabledRules(tx, change.tableId)).filter((rule) => changed.has(rule.field_id));
    for (const rule of rules) {
      const diff = change.changes.find((c) => c.field_id === rule.field_id);
      if (!diff || !sameValue(diff.after, rule.value) || sameValue(diff.before, rule.value)) continue;
      const runId = randomUUID();
      const inserted = await tx.query(
        `INSERT INTO workflow_runs (id, workflow_id, record_id, record_version, actor_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workflow_id, record_id, record_version) DO NOTHING RETURNING id`,
        [runId, rule.id, change.recordId, change.version, change.actor.id],
      );
      if (inserted.length === 0) continue;
      // Assignees who left the workspace are skipped rather than failing the record write.
      const members = await tx.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
        change.workspaceId,
        rule.assignee_ids,
      ]);
      const assigneeIds = rule.assignee_ids.filter((id) => members.some((m) => m.user_id === id));
      const approval = assigneeIds.length
        ? await this.approvals.createInTx(tx, {
            workspaceId: change.workspaceId,
            tableId: change.tableId,
            recordId: change.recordId,
            title: rule.title,
            description: rule.description,
            assigneeIds,
            dueAt: null,
            actor: change.actor,
            workflowId: rule.id,
          })
        : null;
      if (approval) await tx.query('UPDATE workflow_runs SET approval_id = $2 WHERE id = $1', [runId, approval.id]);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: change.workspaceId,
        tableId: change.tableId,
        recordId: change.recordId,
        entityType: 'workflow',
        entityId: rule.id,
        action: 'fired',
        actor: change.actor,
        meta: {
          workflow_id: rule.id,
          run_id: runId,
          name: rule.name,
          field_id: rule.field_id,
          value: rule.value,
          approval_id: approval?.id ?? null,
          record_version: change.version,
          ...(approval ? {} : { skipped: 'no assignee is a member any more' }),
        },
      });
    }
  };

  /** Runs of a rule, newest first. */
  async runs(auth: AuthInfo, id: string) {
    await this.#load(auth, id, 'viewer');
    return this.ctx.db.query<{
      id: string;
      workflow_id: string;
      record_id: string | null;
      record_version: number | null;
      approval_id: string | null;
      actor_id: string | null;
      created_at: Date;
    }>(
      'SELECT id, workflow_id, record_id, record_version, approval_id, actor_id, created_at FROM workflow_runs WHERE workflow_id = $1 ORDER BY created_at DESC LIMIT 500',
      [id],
    );
  }

  async #load(auth: AuthInfo, id: string, min: 'admin' | 'viewer' = 'admin'): Promise<Workflow> {
    const [row] = await this.ctx.db.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE id = $1`, [id]);
    if (!row) throw errors.notFound('Workflow');
    const scope = await this.access.scopeOf(auth.user.id, 'table', row.table_id);
    if (!scope) throw errors.notFound('Workflow');
    await this.access.require(auth, 'table', row.table_id, min);
    return toWorkflow(row);
  }

  /** Checks the rule and returns its value as records store it (a choice name becomes the choice id). */
  async #validate(db: Queryable, workspaceId: string, tableId: string, input: WorkflowInput): Promise<unknown> {
    const [field] = await db.query<{ type: string; options: { choices?: { id: string; name: string }[] } }>(
      'SELECT type, options FROM fields WHERE id = $1 AND table_id = $2',
      [input.field_id ?? '', tableId],
    );
    if (!field) throw errors.invalid('field_id is not a field of this table.', { field: 'field_id' });
    const ids = input.assignee_ids ?? [];
    if (ids.length === 0) throw errors.invalid('Give at least one assignee.', { field: 'assignee_ids' });
    const members = await db.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
      workspaceId,
      ids,
    ]);
    if (members.length !== new Set(ids).size) throw errors.invalid('Every assignee must be a member of the workspace.', { field: 'assignee_ids' });
    const choices = field.options.choices ?? [];
    if (field.type === 'single_select' && typeof input.value === 'string') {
      return choices.find((c) => c.id === input.value || c.name === input.value)?.id ?? input.value;
    }
    return input.value ?? null;
  }
}

/** JSON equality that ignores key order. */
function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function toWorkflow(row: WorkflowRow): Workflow {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}
