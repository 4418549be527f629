import type { DurableEvent, RecordInfo } from '@tandem/protocol';
import type { TandemClient } from './tandem-client.ts';
import { TandemError } from './tandem-error.ts';

/** Records fetched per REST page while loading a table (the API's maximum). */
export const RECORD_PAGE_SIZE = 1000;

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
}

type Overlay =
  | { readonly kind: 'create'; readonly key: number; readonly tempId: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'update'; readonly key: number; readonly id: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'delete'; readonly key: number; readonly id: string };

/**
 * A live list of a table's records: loaded over REST, kept current from the `table:{id}` room's
 * `record_created` / `record_updated` / `record_deleted` events, refetched on `resync`.
 *
 * Local writes are optimistic: they show at once as overlays on top of the server's truth and
 * disappear when the server answers (replaced by its record) or fails (rolled back, the error is
 * thrown to the caller). Because overlays never overwrite the confirmed records, a rollback
 * cannot undo a change someone else made meanwhile.
 */
export class RecordList {
  #confirmed = new Map<string, RecordInfo>();
  #overlays: Overlay[] = [];
  #snapshot: RecordListSnapshot = { records: [], loading: true, error: null };
  #loading = true;
  #error: TandemError | null = null;
  #buffer: DurableEvent[] | null = null;
  #nextKey = 0;
  #generation = 0;
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  readonly room: string;

  constructor(
    private readonly client: TandemClient,
    /** The table whose records are listed. */
    readonly tableId: string,
  ) {
    this.room = `table:${tableId}`;
  }

  /** The current records, loading flag and error. */
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
    const onEvent = (event: DurableEvent) => this.#onEvent(event);
    this.#stop.push(room.on('record_created', onEvent), room.on('record_updated', onEvent), room.on('record_deleted', onEvent));
    this.#stop.push(room.on('resync', () => void this.refetch()));
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
      this.#error = err instanceof TandemError ? err : new TandemError('internal', String(err));
    }
    this.#loading = false;
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const event of buffered) this.#apply(event);
    this.#changed();
  }

  /** Creates a record; it shows at once and is replaced by the server's (or removed on error). */
  async create(values: Readonly<Record<string, unknown>> = {}): Promise<RecordInfo> {
    const overlay: Overlay = { kind: 'create', key: this.#key(), tempId: `pending-${this.#nextKey}`, values };
    return this.#optimistic(overlay, () => this.client.api.post<RecordInfo>(`/tables/${this.tableId}/records`, { values }));
  }

  /**
   * Writes fields of a record, based on the version the list has (so a field someone else
   * changed meanwhile answers `conflict`); shows at once, rolled back on error.
   */
  async update(id: string, values: Readonly<Record<string, unknown>>): Promise<RecordInfo> {
    const base = this.#confirmed.get(id);
    const overlay: Overlay = { kind: 'update', key: this.#key(), id, values };
    return this.#optimistic(overlay, () =>
      this.client.api.patch<RecordInfo>(`/records/${id}`, { values, ...(base ? { expected_version: base.version } : {}) }),
    );
  }

  /** Deletes a record; it disappears at once and comes back on error. */
  async remove(id: string): Promise<void> {
    const overlay: Overlay = { kind: 'delete', key: this.#key(), id };
    await this.#optimistic(overlay, async () => {
      await this.client.api.delete(`/records/${id}`);
      return null;
    });
  }

  async #optimistic<T extends RecordInfo | null>(overlay: Overlay, write: () => Promise<T>): Promise<T> {
    this.#overlays.push(overlay);
    this.#changed();
    try {
      const result = await write();
      if (result) this.#confirm(result);
      else if (overlay.kind === 'delete') this.#confirmed.delete(overlay.id);
      return result;
    } finally {
      this.#overlays = this.#overlays.filter((o) => o.key !== overlay.key);
      this.#changed();
    }
  }

  #onEvent(event: DurableEvent): void {
    if (this.#buffer) {
      this.#buffer.push(event);
      return;
    }
    this.#apply(event);
    this.#changed();
  }

  #apply(event: DurableEvent): void {
    const record = event.data as RecordInfo;
    if (!record || typeof record.id !== 'string') return;
    if (event.type === 'record_deleted') this.#confirmed.delete(record.id);
    else this.#confirm(record);
  }

  /** Keeps the newer of two versions of a record (events and REST answers can arrive in either order). */
  #confirm(record: RecordInfo): void {
    const current = this.#confirmed.get(record.id);
    if (current && current.version >= record.version) return;
    const { changed_fields: _changed, ...plain } = record as RecordInfo & { changed_fields?: unknown };
    this.#confirmed.set(record.id, plain);
  }

  #key(): number {
    this.#nextKey += 1;
    return this.#nextKey;
  }

  #changed(): void {
    const updates = new Map<string, Record<string, unknown>>();
    const deleted = new Set<string>();
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
    this.#snapshot = { records, loading: this.#loading, error: this.#error };
    for (const listener of [...this.#listeners]) listener();
  }
}
