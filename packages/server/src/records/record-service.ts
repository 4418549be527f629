import { randomUUID } from 'node:crypto';
import { type Actor, type FieldChange, type RecordInfo, type RecordUpdatedData, roomName, type ViewFilter, type ViewSort } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { CellLockGuard } from '../locks/cell-lock-guard.ts';
import { validateValues } from '../tables/field-values.ts';
import { sameValue } from '../tables/same-value.ts';
import { type Field, loadFields, lockTable, lockTableFields, VIEW_COLUMNS, type ViewRow } from '../tables/table-model.ts';
import { normaliseFilters, normaliseSorts } from '../tables/view-filters.ts';
import type { Access } from '../workspaces/access.ts';
import { loadRecord, loadRecordsForUpdate, RECORD_COLUMNS, type RecordRow, recordJson, UPDATE_RECORDS_SQL, updateRowsJson } from './record-model.ts';
import { DEFAULT_PAGE_SIZE, queryRecords } from './record-query.ts';
import { type SearchResult, searchRecords } from './record-search.ts';
import type { RecordWriteChange } from './record-write-hooks.ts';
import { WriteCombiner } from './write-combiner.ts';

/** Update batches in flight at once per node; more updates wait and join the next batch. */
const UPDATE_BATCHES_RUNNING = 4;
/** Updates one batch takes at most. */
const UPDATE_BATCH_MAX = 64;
/** Most records one batch request (`POST`/`PATCH /tables/{id}/records` with an array) creates or updates. */
export const MAX_BATCH_RECORDS = 1000;

/** One update of a batch request: a record of the table, the values it writes and the version it is based on. */
export interface BatchUpdate {
  readonly id: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly expectedVersion?: number;
}

/** One refused item of a batch request, by its index in the request. */
export interface BatchItemError {
  readonly index: number;
  readonly code: AppError['code'];
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** What planning one update needs to know about the write. */
interface UpdateIntent {
  readonly auth: AuthInfo;
  readonly workspaceId: string;
  readonly tableId: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly expectedVersion: number | undefined;
  /** The plain rendering of a rich text field's document, the only writer of such a value after the record was created. */
  readonly documentText?: boolean;
}

/** An update waiting for, or running in, a batch. */
interface PendingUpdate extends UpdateIntent {
  readonly recordId: string;
  /** The cell-lock check, settled before the update stages anything. */
  readonly unlocked: Promise<void>;
  readonly resolve: (record: RecordInfo) => void;
  readonly reject: (err: unknown) => void;
}

/** One update as planned inside its batch: without `row` it changes nothing. */
type PlannedUpdate =
  | { readonly json: RecordInfo; readonly row?: undefined }
  | {
      readonly json: RecordInfo;
      readonly row: RecordRow;
      readonly fields: readonly Field[];
      readonly changed: string[];
      readonly before: Readonly<Record<string, unknown>>;
    };

/** What `GET /tables/{id}/records` asks for. */
export interface ListOptions {
  readonly limit?: number;
  readonly cursor?: string;
  /** A saved view whose filters and sorts apply. */
  readonly viewId?: string;
  /** Extra conditions, combined with the view's by AND. */
  readonly filters?: readonly ViewFilter[];
  /** Sort keys that replace the view's. */
  readonly sorts?: readonly ViewSort[];
  /** Only records with at least one unresolved comment thread. */
  readonly hasUnresolvedComments?: boolean;
}

/** A page of records. */
export interface RecordList {
  readonly records: RecordInfo[];
  readonly next_cursor: string | null;
}

/**
 * Records of a table. Everyone reads; editors and above write. Every change validates the values
 * against the fields, bumps `version` by exactly one, records which fields changed at that
 * version, writes activity, runs the record-write hooks (workflow rules, notifications) and
 * stages durable events, all in the same transaction.
 */
export class RecordService {
  /** Concurrent updates share transactions (see {@link WriteCombiner}). */
  readonly #updates = new WriteCombiner<PendingUpdate>(
    (batch) => this.#runUpdates(batch),
    (w) => w.recordId,
    UPDATE_BATCHES_RUNNING,
    UPDATE_BATCH_MAX,
  );

  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    /** Refuses writes to cells another user holds and releases the writer's own locks afterwards. */
    private readonly locks: CellLockGuard,
  ) {}

  async list(auth: AuthInfo, tableId: string, options: ListOptions): Promise<RecordList> {
    await this.access.require(auth, 'table', tableId, 'viewer');
    const fields = await loadFields(this.ctx.db, tableId);
    let view: ViewRow | undefined;
    if (options.viewId) {
      [view] = await this.ctx.db.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE id = $1 AND table_id = $2`, [options.viewId, tableId]);
      if (!view) throw errors.notFound('View');
    }
    const page = await queryRecords(this.ctx.db, {
      tableId,
      fields,
      filters: [...(view?.filters ?? []), ...normaliseFilters(fields, options.filters ?? [])],
      sorts: options.sorts ? normaliseSorts(fields, options.sorts) : (view?.sorts ?? []),
      limit: options.limit ?? DEFAULT_PAGE_SIZE,
      cursor: options.cursor ?? null,
      userId: auth.user.id,
      hasUnresolvedComments: options.hasUnresolvedComments,
    });
    return { records: page.rows.map(recordJson), next_cursor: page.nextCursor };
  }

  /** Finds the text in the table's cells (all searchable fields, or those named), for readers. */
  async search(auth: AuthInfo, tableId: string, q: string, fieldIds?: readonly string[]): Promise<SearchResult> {
    await this.access.require(auth, 'table', tableId, 'viewer');
    const fields = await loadFields(this.ctx.db, tableId);
    if (!fieldIds) return searchRecords(this.ctx.db, tableId, fields, q);
    const byId = new Map(fields.map((f) => [f.id, f]));
    const unknown = fieldIds.find((id) => !byId.has(id));
    if (unknown) throw errors.invalid(`The table has no field ${unknown}.`, { field: 'fields' });
    return searchRecords(
      this.ctx.db,
      tableId,
      fieldIds.flatMap((id) => byId.get(id) ?? []),
      q,
    );
  }

  async get(auth: AuthInfo, recordId: string): Promise<RecordInfo> {
    await this.access.require(auth, 'record', recordId, 'viewer');
    const row = await loadRecord(this.ctx.db, recordId);
    if (!row) throw errors.notFound('Record');
    return recordJson(row);
  }

  async create(auth: AuthInfo, tableId: string, input: Readonly<Record<string, unknown>>): Promise<RecordInfo> {
    const scope = await this.access.require(auth, 'table', tableId, 'editor');
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      const fields = await lockTableFields(tx, tableId);
      if (!fields) throw errors.notFound('Table');
      const changes = await validateValues(tx, scope.workspaceId, fields, input);
      const values: Record<string, unknown> = {};
      const versions: Record<string, number> = {};
      for (const [fieldId, value] of changes) {
        if (value === null) continue;
        values[fieldId] = value;
        versions[fieldId] = 1;
      }
      const [row] = await tx.query<RecordRow>(
        `INSERT INTO records (id, table_id, "values", field_versions, version, created_by, updated_by)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, 1, $5, $5) RETURNING ${RECORD_COLUMNS}`,
        [randomUUID(), tableId, JSON.stringify(values), JSON.stringify(versions), auth.user.id],
      );
      if (!row) throw errors.notFound('Table');
      await this.#written(tx, {
        action: 'created',
        workspaceId: scope.workspaceId,
        tableId,
        recordId: row.id,
        version: row.version,
        actor,
        values,
        changes: fieldChanges(fields, {}, values),
        fields,
      });
      const json = recordJson(row);
      this.ctx.events.append(tx, recordRooms(row), 'record_created', actor, json);
      return json;
    });
  }

  /**
   * Writes some fields of a record. With `expectedVersion`, a field that changed after that
   * version answers `409 conflict` with the current record and the conflicting field ids, while
   * fields nobody touched since merge; without it the write is last-writer-wins. The row lock
   * makes concurrent writers take turns, so no update is lost. A write that changes nothing
   * keeps the version.
   */
  async update(auth: AuthInfo, recordId: string, input: Readonly<Record<string, unknown>>, expectedVersion?: number): Promise<RecordInfo> {
    return this.#update(auth, recordId, input, expectedVersion, false);
  }

  /**
   * Writes the plain rendering of a rich text field's document into the record, as the
   * document's last editor (the documents domain calls it once edits settle). A rich text value
   * is the document's: {@link update} refuses it, so this is how it changes after creation.
   */
  writeDocumentText(auth: AuthInfo, recordId: string, fieldId: string, text: string | null): Promise<RecordInfo> {
    return this.#update(auth, recordId, { [fieldId]: text }, undefined, true);
  }

  async #update(
    auth: AuthInfo,
    recordId: string,
    input: Readonly<Record<string, unknown>>,
    expectedVersion: number | undefined,
    documentText: boolean,
  ): Promise<RecordInfo> {
    const scope = await this.access.require(auth, 'record', recordId, 'editor');
    const fieldIds = Object.keys(input);
    // The lock check (a Redis round trip on a cluster) runs while the write waits for its batch
    // and its batch reads; it is settled before anything is written. The catch only marks it
    // handled should the batch fail first; it is awaited there.
    const unlocked = this.#refuseLocked(auth, recordId, fieldIds);
    unlocked.catch(() => undefined);
    const result = await new Promise<RecordInfo>((resolve, reject) =>
      this.#updates.submit({
        auth,
        recordId,
        workspaceId: scope.workspaceId,
        tableId: scope.tableId ?? '',
        input,
        expectedVersion,
        documentText,
        unlocked,
        resolve,
        reject,
      }),
    );
    await this.locks.releaseAfterWrite(recordId, fieldIds, auth.user.id);
    return result;
  }

  /**
   * Runs a batch of updates in one transaction. A write the batch refuses on its own (a bad
   * value, a version conflict, a lock) is refused before it stages anything and leaves the others
   * be. Should the transaction itself fail (a listener threw, PostgreSQL refused), nothing of it
   * committed, and each write runs again in a transaction of its own, so a failure belongs to
   * the write that caused it.
   */
  async #runUpdates(batch: readonly PendingUpdate[]): Promise<void> {
    const outcomes = new Map<PendingUpdate, { value: RecordInfo } | { error: unknown }>();
    try {
      await this.ctx.db.transaction((tx) => this.#applyUpdates(tx, batch, outcomes));
    } catch (err) {
      if (batch.length > 1) {
        // One after another: the batch's slot stays one transaction wide, and they are rare.
        for (const write of batch) await this.#runUpdates([write]);
        return;
      }
      for (const write of batch) outcomes.set(write, { error: err });
    }
    for (const write of batch) {
      const outcome = outcomes.get(write) ?? { error: new Error('The write was not applied.') };
      if ('value' in outcome) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
  }

  async #applyUpdates(
    tx: Transaction,
    batch: readonly PendingUpdate[],
    outcomes: Map<PendingUpdate, { value: RecordInfo } | { error: unknown }>,
  ): Promise<void> {
    const tableIds = [...new Set(batch.map((w) => w.tableId))];
    // Issued together, so PostgreSQL gets them (and the BEGIN before them) in one round trip.
    const [rows, ...fieldLists] = await Promise.all([
      loadRecordsForUpdate(
        tx,
        batch.map((w) => w.recordId),
      ),
      ...tableIds.map((id) => lockTableFields(tx, id)),
    ]);
    const fieldsOf = new Map(tableIds.map((id, i) => [id, fieldLists[i] ?? null]));
    const rowOf = new Map(rows.map((row) => [row.id, row]));
    const updated: RecordRow[] = [];
    for (const write of batch) {
      let change: PlannedUpdate;
      try {
        await write.unlocked;
        change = await this.#planUpdate(tx, write, fieldsOf.get(write.tableId) ?? null, rowOf.get(write.recordId));
      } catch (err) {
        // Refused before it staged anything: only this write fails. Anything else (a failed
        // statement aborts the transaction) fails the batch.
        if (!(err instanceof AppError)) throw err;
        outcomes.set(write, { error: err });
        continue;
      }
      if (!change.row) {
        outcomes.set(write, { value: change.json });
        continue;
      }
      const { row, fields, changed, before } = change;
      updated.push(row);
      const actor = actorOf(write.auth);
      const diff = fieldChanges(fields, before, row.values, changed);
      await this.#written(
        tx,
        {
          action: 'updated',
          workspaceId: write.workspaceId,
          tableId: write.tableId,
          recordId: row.id,
          version: row.version,
          actor,
          values: row.values,
          changes: diff,
          fields,
        },
        { version: row.version },
      );
      const json = recordJson(row);
      const data: RecordUpdatedData = { ...json, changed_fields: changed };
      this.ctx.events.append(tx, recordRooms(row), 'record_updated', actor, data);
      outcomes.set(write, { value: json });
    }
    // The rows are locked and everything the updates set is known here, so they travel with the
    // transaction's other last writes (activity, events) in one statement and one round trip.
    if (updated.length > 0) tx.defer(UPDATE_RECORDS_SQL, [updateRowsJson(updated)]);
  }

  /** What one update of a batch changes, or (no `row`) the record as it stands when it changes nothing. */
  async #planUpdate(tx: Transaction, write: UpdateIntent, fields: readonly Field[] | null, current: RecordRow | undefined): Promise<PlannedUpdate> {
    if (!fields || !current || current.table_id !== write.tableId) throw errors.notFound('Record');
    const changes = await validateValues(tx, write.workspaceId, fields, write.input);
    assertDocumentOwnership(fields, changes, current.values, write.documentText === true);
    if (write.expectedVersion !== undefined) assertNoConflict(current, [...changes.keys()], write.expectedVersion);
    const values = { ...current.values };
    const versions = { ...current.field_versions };
    const version = current.version + 1;
    const changed: string[] = [];
    for (const [fieldId, value] of changes) {
      if (sameValue(current.values[fieldId], value)) continue;
      if (value === null) delete values[fieldId];
      else values[fieldId] = value;
      versions[fieldId] = version;
      changed.push(fieldId);
    }
    if (changed.length === 0) return { json: recordJson(current) };
    const row: RecordRow = { ...current, values, field_versions: versions, version, updated_by: write.auth.user.id, updated_at: new Date() };
    return { json: recordJson(row), row, fields, changed, before: current.values };
  }

  /**
   * Creates many records of one table in one transaction, all or nothing: when any item is
   * refused (a bad value, an unknown field), nothing is written and the error lists every refused
   * index with its code. Each record gets its activity entry, its write hooks and its
   * `record_created` event, as a single create does; the events go out after the commit. Records
   * are stored in the order given, so they list in that order.
   */
  async createMany(auth: AuthInfo, tableId: string, inputs: readonly Readonly<Record<string, unknown>>[]): Promise<RecordInfo[]> {
    assertBatchSize(inputs.length);
    const scope = await this.access.require(auth, 'table', tableId, 'editor');
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      const fields = await lockTableFields(tx, tableId);
      if (!fields) throw errors.notFound('Table');
      const planned: { id: string; values: Record<string, unknown>; versions: Record<string, number> }[] = [];
      const refused: BatchItemError[] = [];
      for (const [index, input] of inputs.entries()) {
        try {
          const changes = await validateValues(tx, scope.workspaceId, fields, input);
          const values: Record<string, unknown> = {};
          const versions: Record<string, number> = {};
          for (const [fieldId, value] of changes) {
            if (value === null) continue;
            values[fieldId] = value;
            versions[fieldId] = 1;
          }
          planned.push({ id: randomUUID(), values, versions });
        } catch (err) {
          refused.push(itemError(index, err));
        }
      }
      if (refused.length > 0) throw batchRefused(refused, inputs.length);
      const rows = await tx.query<RecordRow>(
        `INSERT INTO records (id, table_id, "values", field_versions, version, created_by, updated_by)
         SELECT (r ->> 'id')::uuid, $1, r -> 'values', r -> 'versions', 1, $2, $2
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS a(r, n) ORDER BY n
         RETURNING ${RECORD_COLUMNS}`,
        [tableId, auth.user.id, JSON.stringify(planned)],
      );
      const rowOf = new Map(rows.map((row) => [row.id, row]));
      const out: RecordInfo[] = [];
      for (const { id } of planned) {
        const row = rowOf.get(id);
        if (!row) throw errors.notFound('Table');
        await this.#written(tx, {
          action: 'created',
          workspaceId: scope.workspaceId,
          tableId,
          recordId: row.id,
          version: row.version,
          actor,
          values: row.values,
          changes: fieldChanges(fields, {}, row.values),
          fields,
        });
        const json = recordJson(row);
        this.ctx.events.append(tx, recordRooms(row), 'record_created', actor, json);
        out.push(json);
      }
      return out;
    });
  }

  /**
   * Updates many records of one table in one transaction, all or nothing. Each item merges or
   * conflicts against its own `expectedVersion` exactly as {@link update} does; when any item is
   * refused (a bad value, a conflict, a lock, a record not in the table, the same record twice),
   * nothing is written and the error lists every refused index with its code. Items that change
   * nothing keep their version and announce nothing.
   */
  async updateMany(auth: AuthInfo, tableId: string, writes: readonly BatchUpdate[]): Promise<RecordInfo[]> {
    assertBatchSize(writes.length);
    const scope = await this.access.require(auth, 'table', tableId, 'editor');
    const refused: BatchItemError[] = [];
    const seen = new Set<string>();
    for (const [index, write] of writes.entries()) {
      const id = write.id.toLowerCase();
      if (seen.has(id))
        refused.push({ index, code: 'invalid_input', message: 'This record is already written by an earlier item of the batch.', details: { record_id: id } });
      seen.add(id);
    }
    const locks = await Promise.all(
      writes.map((w) =>
        this.#refuseLocked(auth, w.id, Object.keys(w.values)).then(
          () => null,
          (err: unknown) => err,
        ),
      ),
    );
    for (const [index, err] of locks.entries()) if (err) refused.push(itemError(index, err));
    const actor = actorOf(auth);
    const result = await this.ctx.db.transaction(async (tx) => {
      const [fields, rows] = await Promise.all([lockTableFields(tx, tableId), loadRecordsForUpdate(tx, [...seen])]);
      if (!fields) throw errors.notFound('Table');
      const rowOf = new Map(rows.map((row) => [row.id, row]));
      const plans: PlannedUpdate[] = [];
      for (const [index, write] of writes.entries()) {
        if (refused.some((r) => r.index === index)) continue;
        try {
          const intent = { auth, workspaceId: scope.workspaceId, tableId, input: write.values, expectedVersion: write.expectedVersion };
          plans[index] = await this.#planUpdate(tx, intent, fields, rowOf.get(write.id.toLowerCase()));
        } catch (err) {
          refused.push(itemError(index, err));
        }
      }
      if (refused.length > 0) throw batchRefused(refused, writes.length);
      const updated: RecordRow[] = [];
      const out: RecordInfo[] = [];
      for (const plan of plans) {
        out.push(plan.json);
        if (!plan.row) continue;
        const { row, changed, before } = plan;
        updated.push(row);
        await this.#written(
          tx,
          {
            action: 'updated',
            workspaceId: scope.workspaceId,
            tableId,
            recordId: row.id,
            version: row.version,
            actor,
            values: row.values,
            changes: fieldChanges(fields, before, row.values, changed),
            fields,
          },
          { version: row.version },
        );
        const data: RecordUpdatedData = { ...plan.json, changed_fields: changed };
        this.ctx.events.append(tx, recordRooms(row), 'record_updated', actor, data);
      }
      if (updated.length > 0) tx.defer(UPDATE_RECORDS_SQL, [updateRowsJson(updated)]);
      return out;
    });
    await Promise.all(writes.map((w) => this.locks.releaseAfterWrite(w.id, Object.keys(w.values), auth.user.id)));
    return result;
  }

  /**
   * Deletes a record (with `expectedVersion`, only if it is still at that version) and takes it
   * out of every link field that pointed at it; each record that lost a link moves to its next
   * version and is announced.
   */
  async delete(auth: AuthInfo, recordId: string, expectedVersion?: number): Promise<void> {
    const scope = await this.access.require(auth, 'record', recordId, 'editor');
    const tableId = scope.tableId ?? '';
    const fieldIds = (await loadFields(this.ctx.db, tableId)).map((f) => f.id);
    await this.#refuseLocked(auth, recordId, fieldIds);
    const actor = actorOf(auth);
    await this.ctx.db.transaction(async (tx) => {
      const fields = await lockTableFields(tx, tableId);
      if (!fields) throw errors.notFound('Record');
      const current = await loadRecord(tx, recordId, true);
      if (!current) throw errors.notFound('Record');
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw errors.conflict(`The record changed since version ${expectedVersion}; it is at version ${current.version}.`, {
          record: recordJson(current),
          conflicting_fields: [],
        });
      }
      await tx.query('DELETE FROM records WHERE id = $1', [recordId]);
      await this.#unlink(tx, scope.workspaceId, tableId, recordId, actor);
      await this.#written(tx, {
        action: 'deleted',
        workspaceId: scope.workspaceId,
        tableId,
        recordId,
        version: current.version,
        actor,
        values: {},
        changes: fieldChanges(fields, current.values, {}),
        fields,
      });
      this.ctx.events.append(tx, recordRooms(current), 'record_deleted', actor, recordJson(current));
    });
    this.access.forgetEntity('record', recordId);
    await this.locks.releaseAfterWrite(recordId, fieldIds, auth.user.id);
  }

  /**
   * What every record write does after its row changed: one activity entry (with `meta` when
   * given) and then the record-write hooks, both in the write's transaction.
   */
  async #written(tx: Transaction, change: RecordWriteChange, meta?: Record<string, unknown>): Promise<void> {
    await writeActivity(tx, this.ctx.events, {
      workspaceId: change.workspaceId,
      tableId: change.tableId,
      recordId: change.recordId,
      entityType: 'record',
      entityId: change.recordId,
      action: change.action,
      actor: change.actor,
      changes: change.changes,
      ...(meta ? { meta } : {}),
    });
    await this.ctx.hooks.afterRecordWrite(tx, change);
  }

  async #refuseLocked(auth: AuthInfo, recordId: string, fieldIds: readonly string[]): Promise<void> {
    const lock = await this.locks.blockingLock(recordId, fieldIds, auth.user.id);
    if (lock) {
      const what = lock.field_id ? 'this cell' : 'this record';
      throw errors.locked(`${lock.name} is editing ${what}; try again when they are done.`, { lock });
    }
  }

  async #unlink(tx: Transaction, workspaceId: string, tableId: string, recordId: string, actor: Actor): Promise<void> {
    const linkFields = await tx.query<{ id: string; table_id: string }>(
      `SELECT f.id, f.table_id FROM fields f JOIN tables t ON t.id = f.table_id
       WHERE t.workspace_id = $1 AND f.type = 'link' AND f.options ->> 'linked_table_id' = $2::text ORDER BY f.table_id, f.id`,
      [workspaceId, tableId],
    );
    for (const field of linkFields) {
      if (field.table_id !== tableId) await lockTable(tx, field.table_id, 'records');
      const rows = await tx.query<RecordRow>(
        `UPDATE records SET
           "values" = CASE WHEN jsonb_array_length(("values" -> $2::text) - $3::text) = 0 THEN "values" - $2::text
                           ELSE jsonb_set("values", ARRAY[$2::text], ("values" -> $2::text) - $3::text) END,
           field_versions = jsonb_set(field_versions, ARRAY[$2::text], to_jsonb(version + 1)),
           version = version + 1,
           updated_by = $4,
           updated_at = now()
         WHERE table_id = $1 AND ("values" -> $2::text) @> jsonb_build_array($3::text)
         RETURNING ${RECORD_COLUMNS}`,
        [field.table_id, field.id, recordId, actor.id],
      );
      for (const row of rows) {
        const data: RecordUpdatedData = { ...recordJson(row), changed_fields: [field.id] };
        this.ctx.events.append(tx, recordRooms(row), 'record_updated', actor, data);
      }
    }
  }
}

/** `413 too_large` for a batch over {@link MAX_BATCH_RECORDS}, `400` for an empty one. */
function assertBatchSize(n: number): void {
  if (n === 0) throw errors.invalid('A batch needs at least one record.');
  if (n > MAX_BATCH_RECORDS) {
    throw errors.tooLarge(`A batch holds at most ${MAX_BATCH_RECORDS} records; this one has ${n}. Split it into several requests.`, {
      max: MAX_BATCH_RECORDS,
      count: n,
    });
  }
}

/** One refused item, from the registry error that refused it (anything else is not the item's fault and fails the request). */
function itemError(index: number, err: unknown): BatchItemError {
  if (!(err instanceof AppError)) throw err;
  return { index, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
}

/**
 * The error of a refused batch: the code of its first refused item (so a batch refused only for
 * conflicts is a `409`), and every refused index in `details.errors`.
 */
function batchRefused(refused: BatchItemError[], total: number): AppError {
  const sorted = [...refused].sort((a, b) => a.index - b.index);
  const first = sorted[0] as BatchItemError;
  return new AppError(first.code, `${sorted.length} of ${total} records were refused; nothing was written. First, item ${first.index}: ${first.message}`, {
    errors: sorted,
  });
}

/**
 * A rich text field's value is the plain rendering of its document (given when the record is
 * created, it is the document's first content): an update that would change it is refused with
 * `invalid_input`, except the rendering itself, which writes nothing else. One that repeats the
 * value (a CSV exported and imported again) changes nothing and passes.
 */
function assertDocumentOwnership(
  fields: readonly Field[],
  changes: ReadonlyMap<string, unknown>,
  current: Readonly<Record<string, unknown>>,
  documentText: boolean,
): void {
  for (const [id, value] of changes) {
    const field = fields.find((f) => f.id === id);
    if (!field || (field.type === 'rich_text') === documentText) continue;
    if (!documentText && sameValue(current[id], value)) continue;
    if (documentText) throw errors.invalid(`Field "${field.name}" is not a rich text field.`, { field_id: id });
    throw errors.invalid(
      `Field "${field.name}" is rich text: its value is the text of its document and changes only through it (POST /docs {kind: "rich_text"}, then doc_sync).`,
      { field_id: id, reason: 'document_owned' },
    );
  }
}

/** Rooms that hear about a record: its own and its table's. */
export function recordRooms(row: Pick<RecordRow, 'id' | 'table_id'>): string[] {
  return [roomName('record', row.id), roomName('table', row.table_id)];
}

/** `409 conflict` when a written field changed after `expected` (or `expected` is from the future). */
function assertNoConflict(current: RecordRow, written: readonly string[], expected: number): void {
  if (expected > current.version) {
    throw errors.conflict(`Version ${expected} is newer than the record (version ${current.version}).`, {
      record: recordJson(current),
      conflicting_fields: [],
    });
  }
  const conflicting = written.filter((id) => (current.field_versions[id] ?? 0) > expected);
  if (conflicting.length > 0) {
    throw errors.conflict(`Someone changed ${conflicting.length === 1 ? 'this field' : 'these fields'} after version ${expected}.`, {
      record: recordJson(current),
      conflicting_fields: conflicting,
    });
  }
}

/** Field-level before/after for the activity log, with field names as they are now. */
function fieldChanges(
  fields: readonly Field[],
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  only?: readonly string[],
): FieldChange[] {
  const ids = only ?? [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const names = new Map(fields.map((f) => [f.id, f.name]));
  return ids
    .filter((id) => !sameValue(before[id], after[id]))
    .map((id) => ({ field_id: id, field_name: names.get(id) ?? id, before: before[id] ?? null, after: after[id] ?? null }));
}
