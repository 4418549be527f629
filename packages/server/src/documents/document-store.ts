import type { Database, Queryable } from '../db/database.ts';

/** A document's stored state: the compacted snapshot and the updates appended since. */
export interface StoredState {
  /** The snapshot, base64 (null before the first compaction). */
  readonly snapshot: string | null;
  /** Updates since, base64, in append order. */
  readonly updates: readonly string[];
}

/** An update as stored (for catching up after a gap). */
export interface StoredUpdate {
  readonly seq: number;
  readonly data: string;
}

/**
 * Durable storage of Yjs documents in PostgreSQL or PGlite. Bytes travel as base64 text and are
 * kept as `bytea`. Updates are idempotent in Yjs, so loading applies every update still stored,
 * whatever its sequence number; compaction deletes exactly the rows it merged, never a range.
 */
export class DocumentStore {
  constructor(private readonly db: Database) {}

  /** The snapshot and the updates since it. */
  async load(documentId: string): Promise<StoredState> {
    const [doc] = await this.db.query<{ snapshot: string | null }>(`SELECT encode(snapshot, 'base64') AS snapshot FROM documents WHERE id = $1`, [documentId]);
    const rows = await this.db.query<{ data: string }>(`SELECT encode(data, 'base64') AS data FROM document_updates WHERE document_id = $1 ORDER BY seq`, [
      documentId,
    ]);
    return { snapshot: doc?.snapshot ?? null, updates: rows.map((r) => r.data) };
  }

  /** Appends an accepted update (base64) by `userId`; resolves with its sequence number once durable. */
  async append(documentId: string, data: string, userId: string | null): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ seq: string }>(
        `INSERT INTO document_updates (document_id, data, user_id) VALUES ($1, decode($2, 'base64'), $3) RETURNING seq`,
        [documentId, data, userId],
      );
      if (userId) {
        tx.defer(
          `INSERT INTO document_contributors (document_id, user_id, updates, last_at) VALUES ($1, $2, 1, now())
           ON CONFLICT (document_id, user_id) DO UPDATE SET updates = document_contributors.updates + 1, last_at = now()`,
          [documentId, userId],
        );
      }
      return Number(row?.seq);
    });
  }

  /**
   * Marks the document as changed now (for lists sorted by last change). Kept out of
   * {@link append}, whose transactions would otherwise all queue on the document's row (and
   * behind a compaction holding it).
   */
  async touch(documentId: string): Promise<void> {
    await this.db.query('UPDATE documents SET updated_at = now() WHERE id = $1', [documentId]);
  }

  /** Updates with a sequence number above `afterSeq` (a node catching up after a gap on the bus). */
  async updatesAfter(documentId: string, afterSeq: number): Promise<StoredUpdate[]> {
    const rows = await this.db.query<{ seq: string; data: string }>(
      `SELECT seq, encode(data, 'base64') AS data FROM document_updates WHERE document_id = $1 AND seq > $2 ORDER BY seq`,
      [documentId, afterSeq],
    );
    return rows.map((r) => ({ seq: Number(r.seq), data: r.data }));
  }

  /** Documents with at least `minUpdates` updates waiting to be compacted, most first. */
  async compactable(minUpdates: number, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ document_id: string }>(
      `SELECT document_id FROM document_updates GROUP BY document_id HAVING count(*) >= $1 ORDER BY count(*) DESC LIMIT $2`,
      [minUpdates, limit],
    );
    return rows.map((r) => r.document_id);
  }

  /**
   * Replaces the snapshot and the updates merged into it. The state is read and merged (by
   * `merge`, which may take its time on another thread) outside any transaction, so writers never
   * wait for it (PGlite has one connection: a transaction there holds up everyone); then one short
   * transaction writes the new snapshot, unless another compaction replaced the snapshot
   * meanwhile, and deletes exactly the rows merged. Returns how many were merged.
   */
  async compact(documentId: string, merge: (state: StoredState) => Promise<string> | string): Promise<number> {
    const [doc] = await this.db.query<{ snapshot: string | null; tag: string | null }>(
      `SELECT encode(snapshot, 'base64') AS snapshot, md5(snapshot) AS tag FROM documents WHERE id = $1`,
      [documentId],
    );
    if (!doc) return 0;
    const rows = await this.db.query<{ seq: string; data: string }>(
      `SELECT seq, encode(data, 'base64') AS data FROM document_updates WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    if (rows.length === 0) return 0;
    const snapshot = await merge({ snapshot: doc.snapshot, updates: rows.map((r) => r.data) });
    return this.db.transaction(async (tx) => {
      const [written] = await tx.query<{ id: string }>(
        `UPDATE documents SET snapshot = decode($2, 'base64') WHERE id = $1 AND md5(snapshot) IS NOT DISTINCT FROM $3 RETURNING id`,
        [documentId, snapshot, doc.tag],
      );
      if (!written) return 0;
      await tx.query(`DELETE FROM document_updates WHERE document_id = $1 AND seq = ANY($2::bigint[])`, [documentId, rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  /** How many updates wait for compaction. */
  async pendingUpdates(db: Queryable, documentId: string): Promise<number> {
    const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM document_updates WHERE document_id = $1', [documentId]);
    return Number(row?.n ?? 0);
  }
}
