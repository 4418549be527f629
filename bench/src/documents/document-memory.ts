import * as Y from 'yjs';
import type { DocumentInfo } from '../../../packages/protocol/src/index.ts';
import { newTeam } from '../../../packages/server/test/support/http-client.ts';
import { startServer } from '../../../packages/server/test/support/server.ts';

/** Memory of loaded and unloaded documents, and load times before and after compaction. */
export interface DocumentMemoryResult {
  readonly documents: number;
  /** Words of text in each document. */
  readonly wordsPerDocument: number;
  readonly loadedKbPerDocument: number;
  /** Heap still held per document once all were unloaded (what an idle document costs). */
  readonly idleKbPerDocument: number;
  readonly updates: number;
  readonly loadBeforeMs: number;
  readonly loadAfterMs: number;
  readonly storedKbBefore: number;
  readonly storedKbAfter: number;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

function heapKb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed / 1024;
}

/** Updates of someone typing `words` words one keystroke at a time. */
function typingUpdates(words: number): string[] {
  const doc = new Y.Doc();
  const updates: string[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(b64(u)));
  const text = doc.getText('t');
  for (let w = 0; w < words; w++) for (const ch of `word${w % 97} `) text.insert(text.length, ch);
  doc.destroy();
  return updates;
}

/**
 * Runs in this process against an embedded server (PGlite): `documents` canvases of typed text
 * are loaded into the hub and unloaded again, with the heap measured after a full GC each time
 * (run with `--expose-gc`); then one document of `updates` stored keystrokes is loaded before and
 * after compaction.
 */
export async function runDocumentMemory(options: { documents: number; words: number; updates: number }): Promise<DocumentMemoryResult> {
  const server = await startServer({ db: 'pglite', overrides: { docUnloadMs: 100, docAutoVersionMs: 0 } });
  try {
    const { owner, workspaceId } = await newTeam(server.url, {});
    const { documents } = server.tandem;
    const db = server.tandem.ctx.db;
    const insertUpdates = async (id: string, updates: readonly string[]) => {
      for (let i = 0; i < updates.length; i += 5_000) {
        await db.query(`INSERT INTO document_updates (document_id, data) SELECT $1, decode(u, 'base64') FROM unnest($2::text[]) AS u`, [
          id,
          updates.slice(i, i + 5_000),
        ]);
      }
    };
    const infoOf = async (id: string) => (await db.query<DocumentInfo>('SELECT * FROM documents WHERE id = $1', [id]))[0] as DocumentInfo;

    const typed = typingUpdates(options.words);
    const infos: DocumentInfo[] = [];
    for (let i = 0; i < options.documents; i++) {
      const canvas = await owner.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: `Doc ${i}` });
      await insertUpdates(canvas.body.id, typed);
      infos.push(await infoOf(canvas.body.id));
    }
    await documents.compact(1);
    const base = heapKb();
    for (const info of infos) await documents.hub.entry(info);
    const loaded = heapKb();
    await documents.hub.sweep(0, Date.now() + 1);
    await documents.hub.sweep(0, Date.now() + 2);
    const idle = heapKb();

    const big = await owner.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Long history' });
    const keystrokes = typingUpdates(Math.ceil(options.updates / 6)).slice(0, options.updates);
    await insertUpdates(big.body.id, keystrokes);
    const info = await infoOf(big.body.id);
    const stored = async () => {
      const [row] = await db.query<{ bytes: string }>(
        `SELECT coalesce((SELECT octet_length(snapshot) FROM documents WHERE id = $1), 0) + coalesce((SELECT sum(octet_length(data)) FROM document_updates WHERE document_id = $1), 0) AS bytes`,
        [info.id],
      );
      return Math.round(Number(row?.bytes ?? 0) / 102.4) / 10;
    };
    const timeLoad = async () => {
      documents.hub.forget(info.id);
      const started = performance.now();
      await documents.hub.entry(info);
      const ms = performance.now() - started;
      documents.hub.forget(info.id);
      return Math.round(ms * 10) / 10;
    };
    const storedKbBefore = await stored();
    const loadBeforeMs = await timeLoad();
    await documents.compact(1);
    const storedKbAfter = await stored();
    const loadAfterMs = await timeLoad();
    const per = (kb: number) => Math.round((kb / options.documents) * 10) / 10;
    return {
      documents: options.documents,
      wordsPerDocument: options.words,
      loadedKbPerDocument: per(loaded - base),
      idleKbPerDocument: per(Math.max(0, idle - base)),
      updates: keystrokes.length,
      loadBeforeMs,
      loadAfterMs,
      storedKbBefore,
      storedKbAfter,
    };
  } finally {
    await server.close();
  }
}
