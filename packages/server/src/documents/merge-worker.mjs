// Merges a document's snapshot and stored updates into one snapshot, off the server's event
// loop (compaction of a busy document replays thousands of updates). Plain JavaScript, so it
// runs as a worker thread with or without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';

parentPort?.on('message', ({ id, snapshot, updates }) => {
  try {
    const doc = new Y.Doc();
    if (snapshot) Y.applyUpdate(doc, Buffer.from(snapshot, 'base64'));
    for (const update of updates) Y.applyUpdate(doc, Buffer.from(update, 'base64'));
    const merged = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
    doc.destroy();
    parentPort?.postMessage({ id, snapshot: merged });
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
