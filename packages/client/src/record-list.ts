import { type RecordInfo, roomName, type TypedDurableEvent } from '@tandem/protocol';

/** The durable events a record list follows; each carries the record. */
type RecordEvent = TypedDurableEvent<'record_created' | 'record_updated' | 'record_deleted'>;

import { conflictOf, type RecordConflict } from './record-conflict.ts';
import type { TandemClient } from './tandem-client.ts';
import { isTandemError, TandemError } from './tandem-error.ts';

/** Records fetched per REST page while loading a table (the API's maximum). */
export const RECORD_PAGE_SIZE = 1000;

/** How often queued writes are retried while the connection is up, in milliseconds. */
export const WRITE_RETRY_INTERVAL_MS = 3000;

/** A record as the list shows it; `pending` while an optimistic change awaits the server. */
export interface ListedRecord extends RecordInfo {
  readonly pending?: boolean;
}

/** What a {@link RecordList} holds at one moment (a new object on every change). */
export interface RecordListSnapshot {
  readonly records: readonly ListedRecord[];
  /** True until the first REST load finished. */
  readonly loading: boolean;
  /** The last load error (cleared by a successful load). */
  readonly error: TandemError | null;
  /** Writes made while the server could not be reached, kept (one per record) until they are sent. */
  readonly queued: number;
  /** The latest write refused with `conflict`, until {@link RecordList.dismissConflict}; null when none. */
  readonly conflict: RecordConflict | null;
  /** The latest error (other than a conflict) of a queued write sent after reconnecting; null when none. */
  readonly writeError: TandemError | null;
  /** Whether this snapshot is the result of another user's change (apps keep their row order for those). */
  readonly changedByOther: boolean;
}

/** How a {@link RecordList.write} ended. */
export type WriteOutcome =
  | { readonly status: 'saved'; readonly record: RecordInfo }
  | { readonly status: 'conflict'; readonly conflict: RecordConflict }
  /** The server could not be reached: the change stays shown and is sent once the connection is back. */
  | { readonly status: 'queued' };

/** Options of {@link RecordList}. */
export interface RecordListOptions {
  /** How often queued writes are retried while connected (default {@link WRITE_RETRY_INTERVAL_MS}). */
  readonly retryIntervalMs?: number;
}

type Overlay =
  | { readonly kind: 'create'; readonly key: number; readonly tempId: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'update'; readonly key: number; readonly id: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'delete'; readonly key: number; readonly id: string };

/** A write waiting for the server; checked against the version the user saw when it is sent. */
interface QueuedWrite {
  readonly id: string;
  readonly baseVersion: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * A live list of a table's records: loaded over REST, kept current from the `table:{id}` room's
 * `record_created` / `record_updated` / `record_deleted` events, refetched on `resync` and when a
 * field is changed or deleted.
 *
 * Local writes are optimistic: they show at once as overlays on top of the server's truth and
 * disappear when the server answers (replaced by its record) or fails (rolled back). Because
 * overlays never overwrite the confirmed records, a rollback cannot undo a change someone else
 * made meanwhile. A {@link write} the server cannot be reached for stays shown and queued
 * (merged per record, oldest base version) and is sent in order once the connection is back;
 * a `conflict` it meets then becomes the snapshot's `conflict`, as for a live write.
 */
export class RecordList {
  #confirmed = new Map<string, RecordInfo>();
  #overlays: Overlay[] = [];
  #queue: QueuedWrite[] = [];
  #conflict: RecordConflict | null = null;
  #writeError: TandemError | null = null;
  #snapshot: RecordListSnapshot = { records: [], loading: true, error: null, queued: 0, conflict: null, writeError: null, changedByOther: false };
  #loading = true;
  #error: TandemError | null = null;
  #buffer: RecordEvent[] | null = null;
  #flushing = false;
  #nextKey = 0;
  #generation = 0;
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  readonly #retryIntervalMs: number;
  /** The table room this list follows. */
  readonly room: string;

  constructor(
    private readonly client: TandemClient,
    /** The table whose records are listed. */
    readonly tableId: string,
    options: RecordListOptions = {},
  ) {
    this.room = roomName('table', tableId);
    this.#retryIntervalMs = options.retryIntervalMs ?? WRITE_RETRY_INTERVAL_MS;
  }

  /** The current records, loading flag, errors, queued writes and conflict. */
  get snapshot(): RecordListSnapshot {
    return this.#snapshot;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribes to the table room and loads the records; returns the function that stops both. */
  start(): () => void {
    const room = this.client.room(this.room);
    const onEvent = (event: RecordEvent) => this.#onEvent(event);
    this.#stop.push(room.on('record_created', onEvent), room.on('record_updated', onEvent), room.on('record_deleted', onEvent));
    this.#stop.push(room.on('resync', () => void this.refetch()));
    // Changing or deleting a field rewrites values of every record without an event per record.
    this.#stop.push(
      room.on('field_updated', () => void this.refetch()),
      room.on('field_deleted', () => void this.refetch()),
    );
    // Queued writes go as soon as the connection is back, then are retried while any are left.
    this.#stop.push(this.client.onStatus((status) => status === 'connected' && void this.#flush()));
    const retry = setInterval(() => void this.#flush(), this.#retryIntervalMs);
    this.#stop.push(() => clearInterval(retry));
    // Subscribe before loading: events that race the load are buffered and applied after it.
    this.#stop.push(room.subscribe());
    void this.refetch();
    return () => {
      for (const stop of this.#stop.splice(0)) stop();
      this.#generation += 1;
    };
  }

  /** Reloads every record over REST (after `resync`, or on demand). */
  async refetch(): Promise<void> {
    const generation = ++this.#generation;
    this.#buffer ??= [];
    try {
      const loaded = new Map<string, RecordInfo>();
      let cursor: string | null = null;
      do {
        const page: { records: RecordInfo[]; next_cursor: string | null } = await this.client.api.get(`/tables/${this.tableId}/records`, {
          limit: RECORD_PAGE_SIZE,
          cursor: cursor ?? undefined,
        });
        for (const record of page.records) loaded.set(record.id, record);
        cursor = page.next_cursor;
      } while (cursor && generation === this.#generation);
      if (generation !== this.#generation) return;
      this.#confirmed = loaded;
      this.#error = null;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#error = asTandemError(err);
    }
    this.#loading = false;
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const event of buffered) this.#apply(event);
    this.#changed(false);
  }

  /** Creates a record; it shows at once and is replaced by the server's (or removed on error). */
  async create(values: Readonly<Record<string, unknown>> = {}): Promise<RecordInfo> {
    const overlay: Overlay = { kind: 'create', key: this.#key(), tempId: `pending-${this.#nextKey}`, values };
    return this.#optimistic(overlay, () => this.client.api.post<RecordInfo>(`/tables/${this.tableId}/records`, { values }));
  }

  /**
   * Writes fields of a record, based on the version the list has (so a field someone else
   * changed meanwhile answers `conflict`); shows at once, rolled back and rejected on any error.
   * {@link write} is the variant that queues while offline and reports conflicts.
   */
  async update(id: string, values: Readonly<Record<string, unknown>>): Promise<RecordInfo> {
    const base = this.#confirmed.get(id);
    const overlay: Overlay = { kind: 'update', key: this.#key(), id, values };
    return this.#optimistic(overlay, () => this.#patch(id, values, base?.version));
  }

  /**
   * Writes fields of a record, based on the version the list has, showing the change at once.
   * Resolves `saved` with the server's record; `conflict` (rolled back to the server's record,
   * which is also the snapshot's `conflict`) when someone changed one of these fields first;
   * `queued` when the server could not be reached. Other errors roll back and reject.
   */
  async write(id: string, values: Readonly<Record<string, unknown>>): Promise<WriteOutcome> {
    const baseVersion = this.#confirmed.get(id)?.version;
    const overlay: Overlay = { kind: 'update', key: this.#key(), id, values };
    this.#overlays.push(overlay);
    this.#changed(false);
    try {
      const record = await this.#patch(id, values, baseVersion);
      this.#confirm(record);
      return { status: 'saved', record };
    } catch (err) {
      const error = asTandemError(err);
      if (error.code === 'unavailable' && baseVersion !== undefined) {
        this.#enqueue({ id, baseVersion, values });
        return { status: 'queued' };
      }
      if (error.code === 'conflict') return { status: 'conflict', conflict: this.#conflicted(error, id, values) };
      throw error;
    } finally {
      this.#overlays = this.#overlays.filter((o) => o.key !== overlay.key);
      this.#changed(false);
    }
  }

  /** Forgets the snapshot's `conflict` (the user decided; "keep mine" is a new {@link write}). */
  dismissConflict(): void {
    if (!this.#conflict) return;
    this.#conflict = null;
    this.#changed(false);
  }

  /** Deletes a record; it disappears at once and comes back on error (one already gone counts as deleted). */
  async remove(id: string): Promise<void> {
    const overlay: Overlay = { kind: 'delete', key: this.#key(), id };
    await this.#optimistic(overlay, async () => {
      try {
        await this.client.api.delete(`/records/${id}`);
      } catch (err) {
        if (!isTandemError(err, 'not_found')) throw err;
      }
      return null;
    });
  }

  #patch(id: string, values: Readonly<Record<string, unknown>>, expectedVersion: number | undefined): Promise<RecordInfo> {
    return this.client.api.patch<RecordInfo>(`/records/${id}`, { values, ...(expectedVersion !== undefined ? { expected_version: expectedVersion } : {}) });
  }

  async #optimistic<T extends RecordInfo | null>(overlay: Overlay, write: () => Promise<T>): Promise<T> {
    this.#overlays.push(overlay);
    this.#changed(false);
    try {
      const result = await write();
      if (result) this.#confirm(result);
      else if (overlay.kind === 'delete') this.#confirmed.delete(overlay.id);
      return result;
    } finally {
      this.#overlays = this.#overlays.filter((o) => o.key !== overlay.key);
      this.#changed(false);
    }
  }

  /** Queues a write; a second one for the same record merges into the first and keeps its (older) base version. */
  #enqueue(write: QueuedWrite): void {
    const existing = this.#queue.find((w) => w.id === write.id);
    // A new object, so a flush that is sending the old one does not drop the merged values.
    if (existing) this.#queue = this.#queue.map((w) => (w === existing ? { ...w, values: { ...w.values, ...write.values } } : w));
    else this.#queue = [...this.#queue, write];
  }

  /** Sends queued writes in order; stops at the first the server still cannot be reached for. */
  async #flush(): Promise<void> {
    if (this.#flushing || this.#queue.length === 0 || this.client.status !== 'connected') return;
    this.#flushing = true;
    try {
      for (let write = this.#queue[0]; write; write = this.#queue[0]) {
        // A record deleted meanwhile has nothing left to write to.
        if (this.#confirmed.has(write.id)) {
          try {
            this.#confirm(await this.#patch(write.id, write.values, write.baseVersion));
          } catch (err) {
            const error = asTandemError(err);
            if (error.code === 'unavailable') return;
            if (error.code === 'conflict') this.#conflicted(error, write.id, write.values);
            else this.#writeError = error;
          }
        }
        const sent = write;
        this.#queue = this.#queue.filter((w) => w !== sent);
        this.#changed(false);
      }
    } finally {
      this.#flushing = false;
    }
  }

  #conflicted(error: TandemError, id: string, values: Readonly<Record<string, unknown>>): RecordConflict {
    const conflict = conflictOf(error, id, values);
    if (conflict.theirs) this.#confirm(conflict.theirs);
    this.#conflict = conflict;
    return conflict;
  }

  #onEvent(event: RecordEvent): void {
    if (this.#buffer) {
      this.#buffer.push(event);
      return;
    }
    // Echoes of changes the list already has (e.g. this client's own writes) change nothing.
    if (this.#apply(event)) this.#changed(event.actor !== null && event.actor.id !== this.client.user?.id);
  }

  #apply(event: RecordEvent): boolean {
    const record = event.data;
    if (!record || typeof record.id !== 'string') return false;
    if (event.type === 'record_deleted') return this.#confirmed.delete(record.id);
    return this.#confirm(record);
  }

  /** Keeps the newer of two versions of a record (events and REST answers can arrive in either order). */
  #confirm(record: RecordInfo): boolean {
    const current = this.#confirmed.get(record.id);
    if (current && current.version >= record.version) return false;
    const { changed_fields: _changed, ...plain } = record as RecordInfo & { changed_fields?: unknown };
    this.#confirmed.set(record.id, plain);
    return true;
  }

  #key(): number {
    this.#nextKey += 1;
    return this.#nextKey;
  }

  #changed(changedByOther: boolean): void {
    const updates = new Map<string, Record<string, unknown>>();
    const deleted = new Set<string>();
    for (const write of this.#queue) updates.set(write.id, { ...updates.get(write.id), ...write.values });
    for (const overlay of this.#overlays) {
      if (overlay.kind === 'update') updates.set(overlay.id, { ...updates.get(overlay.id), ...overlay.values });
      if (overlay.kind === 'delete') deleted.add(overlay.id);
    }
    const records: ListedRecord[] = [];
    for (const record of this.#confirmed.values()) {
      if (deleted.has(record.id)) continue;
      const patch = updates.get(record.id);
      records.push(patch ? { ...record, values: { ...record.values, ...patch }, pending: true } : record);
    }
    const now = new Date().toISOString();
    for (const overlay of this.#overlays) {
      if (overlay.kind !== 'create') continue;
      const user = this.client.user?.id ?? null;
      records.push({
        id: overlay.tempId,
        table_id: this.tableId,
        values: overlay.values,
        version: 0,
        created_by: user,
        updated_by: user,
        created_at: now,
        updated_at: now,
        pending: true,
      });
    }
    this.#snapshot = {
      records,
      loading: this.#loading,
      error: this.#error,
      queued: this.#queue.length,
      conflict: this.#conflict,
      writeError: this.#writeError,
      changedByOther,
    };
    for (const listener of [...this.#listeners]) listener();
  }
}

function asTandemError(err: unknown): TandemError {
  return err instanceof TandemError ? err : new TandemError('internal', String(err));
}
