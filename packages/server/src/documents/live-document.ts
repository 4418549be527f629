import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import type { StoredState } from './document-store.ts';
import { docFromState } from './yjs-state.ts';

/** What a client's sync message asks of the server. */
export type SyncRequest =
  | { readonly kind: 'step1'; readonly stateVector: Uint8Array }
  /** Step 2 and update both carry an update to apply. */
  | { readonly kind: 'update'; readonly update: Uint8Array };

/**
 * Reads a y-protocols sync message. Throws on anything malformed, including an update Yjs
 * cannot decode, so nothing broken reaches the store.
 */
export function readSyncRequest(bytes: Uint8Array): SyncRequest {
  const decoder = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (type === sync.messageYjsSyncStep1) {
    // A state vector: client id → clock pairs.
    Y.decodeStateVector(payload);
    return { kind: 'step1', stateVector: payload };
  }
  if (type === sync.messageYjsSyncStep2 || type === sync.messageYjsUpdate) {
    Y.decodeUpdate(payload);
    return { kind: 'update', update: payload };
  }
  throw new Error(`unknown sync message type ${type}`);
}

/** A sync message of type update carrying `update`. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  sync.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The awareness fields the server sets from the caller, whatever the client claimed. */
export interface AwarenessUser {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

/**
 * One document loaded on this node: its Yjs state, who is in it (awareness) and which awareness
 * clients each connection announced, so they disappear with the connection.
 */
export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  /** Highest update sequence number applied from the store or the bus. */
  lastSeq = 0;
  /** When the last local subscriber left (null while someone is in). */
  idleSince: number | null = Date.now();
  readonly #clientsOf = new Map<string, Set<number>>();

  constructor(
    readonly id: string,
    stored: StoredState,
  ) {
    docFromState(stored, this.doc);
    this.awareness = new Awareness(this.doc);
    // The server is not a participant: it shows no state of its own.
    this.awareness.setLocalState(null);
  }

  /** Answers a client's step 1: step 2 (what the client lacks), then the server's own step 1. */
  answerStep1(stateVector: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, sync.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
    const step2 = encoding.toUint8Array(encoder);
    const own = encoding.createEncoder();
    sync.writeSyncStep1(own, this.doc);
    return concatMessages(step2, encoding.toUint8Array(own));
  }

  /** Applies an update (from a client, the bus or a restore). */
  apply(update: Uint8Array, origin: unknown): void {
    Y.applyUpdate(this.doc, update, origin);
  }

  /**
   * Applies an awareness update from `connectionId`, each state's `user` replaced by the caller
   * (so nobody can show up as someone else), and returns the update to relay.
   */
  applyAwareness(connectionId: string, bytes: Uint8Array, user: AwarenessUser | null): Uint8Array {
    const rewritten = user ? rewriteAwareness(bytes, user) : bytes;
    applyAwarenessUpdate(this.awareness, rewritten, connectionId);
    if (user) {
      const mine = this.#clientsOf.get(connectionId) ?? new Set<number>();
      for (const clientId of awarenessClients(rewritten)) mine.add(clientId);
      this.#clientsOf.set(connectionId, mine);
    }
    return rewritten;
  }

  /** Removes what a closed connection showed; returns the awareness update to relay (null when it showed nothing). */
  dropConnection(connectionId: string): Uint8Array | null {
    const clients = [...(this.#clientsOf.get(connectionId) ?? [])];
    this.#clientsOf.delete(connectionId);
    const present = clients.filter((c) => this.awareness.getStates().has(c));
    if (present.length === 0) return null;
    // Encoded after the removal: a null state at the same clock is what makes receivers drop it
    // (the live state at that clock would be ignored as already known).
    removeAwarenessStates(this.awareness, present, 'server');
    return encodeAwarenessUpdate(this.awareness, present);
  }

  /** Everyone's awareness now, for a newcomer (null when nobody shows anything). */
  awarenessSnapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length > 0 ? encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  /** The whole state as one update. */
  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** Two sync messages in one payload, as y-websocket clients read them one after the other. */
function concatMessages(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The client ids an awareness update names. */
function awarenessClients(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const n = decoding.readVarUint(decoder);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

/** Re-encodes an awareness update with `user` set on every non-null state. Throws on malformed input. */
function rewriteAwareness(update: Uint8Array, user: AwarenessUser): Uint8Array {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const n = decoding.readVarUint(decoder);
  if (n > 16) throw new Error('too many awareness states in one update');
  encoding.writeVarUint(encoder, n);
  for (let i = 0; i < n; i++) {
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
    const state = JSON.parse(decoding.readVarString(decoder)) as Record<string, unknown> | null;
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('an awareness state is an object or null');
    encoding.writeVarString(encoder, JSON.stringify(state === null ? null : { ...state, user }));
  }
  return encoding.toUint8Array(encoder);
}
