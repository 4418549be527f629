import * as Y from 'yjs';
import type { StoredState } from './document-store.ts';

/** Bytes as base64 (how document updates travel and are stored). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Base64 as bytes. */
export function fromBase64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** A document holding a stored snapshot and the updates since (the merge worker does the same in plain JavaScript). */
export function docFromState(state: StoredState, doc = new Y.Doc()): Y.Doc {
  if (state.snapshot) Y.applyUpdate(doc, fromBase64(state.snapshot));
  for (const update of state.updates) Y.applyUpdate(doc, fromBase64(update));
  return doc;
}
