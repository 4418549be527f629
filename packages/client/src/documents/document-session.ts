import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import type { TandemClient } from '../tandem-client.ts';
import type { TandemError } from '../tandem-error.ts';

/** Where a document session stands. */
export type DocumentStatus = 'connecting' | 'synced' | 'offline' | 'error';

const REMOTE = Symbol('tandem-remote');

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A collaborative document (`doc:{id}`) bound to the client's one connection: a `Y.Doc` and a
 * y-protocols `Awareness` that any Yjs binding (TipTap, y-prosemirror, a canvas) can use.
 *
 * On every (re)subscription it runs the sync handshake: its state vector goes out, the server
 * answers with what the client lacks and its own state vector, and the client sends what the
 * server lacks. So edits made offline travel on reconnect, exactly once in effect (Yjs updates
 * are idempotent). While subscribed, each local change goes out as an update the server stores
 * before it acknowledges. Awareness (cursor, selection) carries the user's identity, set by the
 * server from who is logged in; it disappears when the connection goes.
 */
export class DocumentSession {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly room: string;
  #status: DocumentStatus = 'connecting';
  #error: TandemError | null = null;
  #unacked = 0;
  readonly #listeners = new Set<() => void>();
  readonly #stops: (() => void)[] = [];
  #started = false;

  constructor(
    private readonly client: TandemClient,
    /** The document id. */
    readonly id: string,
  ) {
    this.room = `doc:${id}`;
    this.awareness = new Awareness(this.doc);
  }

  /** `synced` once the handshake finished; `offline` while the link is down (edits are kept). */
  get status(): DocumentStatus {
    return this.#status;
  }

  /** Why the last write or the subscription failed (e.g. `forbidden` for a viewer's edit). */
  get error(): TandemError | null {
    return this.#error;
  }

  /** Local updates sent and not yet acknowledged as stored. */
  get unacknowledged(): number {
    return this.#unacked;
  }

  /** Listens to changes of status, error and acknowledgements; returns the function that stops. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once the document is synced with the server. */
  whenSynced(): Promise<void> {
    if (this.#status === 'synced') return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onChange(() => {
        if (this.#status !== 'synced') return;
        off();
        resolve();
      });
    });
  }

  /** Joins the document's room and starts syncing; returns the function that leaves and destroys. */
  start(): () => void {
    if (this.#started) throw new Error('a document session starts once');
    this.#started = true;
    const room = this.client.room(this.room);
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || room.state !== 'subscribed' || this.#status !== 'synced') return;
      this.#send(update);
    };
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === REMOTE || room.state !== 'subscribed') return;
      const changed = [...added, ...updated, ...removed].filter((c) => c === this.doc.clientID);
      if (changed.length > 0) this.#sendAwareness(changed);
    };
    this.doc.on('update', onUpdate);
    this.awareness.on('update', onAwareness);
    // The room may already be subscribed by another part of the app (a page following `doc_info`).
    let wasSubscribed = room.state === 'subscribed';
    this.#stops.push(
      () => this.doc.off('update', onUpdate),
      () => this.awareness.off('update', onAwareness),
      room.on('subscribed', () => void this.#handshake()),
      room.on('subscription_error', (event) => this.#fail(event.error)),
      room.on('doc_sync', (signal) => this.#receive(fromBase64(signal.data))),
      room.on('doc_awareness', (signal) => applyAwarenessUpdate(this.awareness, fromBase64(signal.data), REMOTE)),
      room.onChange(() => {
        const subscribed = room.state === 'subscribed';
        if (wasSubscribed && !subscribed) this.#wentOffline();
        wasSubscribed = subscribed;
      }),
      room.subscribe(),
    );
    if (room.state === 'subscribed') void this.#handshake();
    return () => {
      this.awareness.setLocalState(null);
      for (const stop of this.#stops.splice(0).reverse()) stop();
      this.awareness.destroy();
      this.doc.destroy();
    };
  }

  async #handshake(): Promise<void> {
    this.#setStatus('connecting');
    const encoder = encoding.createEncoder();
    sync.writeSyncStep1(encoder, this.doc);
    try {
      const answer = await this.#sync(toBase64(encoding.toUint8Array(encoder)));
      if (answer.awareness) applyAwarenessUpdate(this.awareness, fromBase64(answer.awareness), REMOTE);
      if (answer.sync) this.#receive(fromBase64(answer.sync));
      this.#setStatus('synced');
      if (this.awareness.getLocalState() !== null) this.#sendAwareness([this.doc.clientID]);
    } catch (err) {
      // The link dropped mid-handshake: the next subscription runs it again.
      if ((err as TandemError).code !== 'unavailable') this.#fail(err as TandemError);
    }
  }

  /** Applies sync messages from the server; answers its step 1 with what it lacks. */
  #receive(bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    while (decoding.hasContent(decoder)) {
      const reply = encoding.createEncoder();
      const type = sync.readSyncMessage(decoder, reply, this.doc, REMOTE);
      if (type === sync.messageYjsSyncStep1 && encoding.length(reply) > 0) {
        // The reply is a step 2: the server stores it like any update.
        void this.#request(toBase64(encoding.toUint8Array(reply)));
      }
    }
  }

  #send(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    sync.writeUpdate(encoder, update);
    void this.#request(toBase64(encoding.toUint8Array(encoder)));
  }

  async #request(data: string): Promise<void> {
    this.#unacked += 1;
    this.#changed();
    try {
      await this.#sync(data);
    } catch (err) {
      // A dropped link is healed by the next handshake; a refusal (a viewer's edit) is reported.
      if ((err as TandemError).code !== 'unavailable') this.#fail(err as TandemError);
    } finally {
      this.#unacked -= 1;
      this.#changed();
    }
  }

  /** A sync message over the socket, or over REST when the link is SSE (one-way); resolves with the answer. */
  async #sync(data: string): Promise<{ sync?: string; awareness?: string }> {
    if (this.client.transportKind === 'sse') return this.client.api.post(`/docs/${this.id}/sync`, { data });
    return (await this.client.request({ type: 'doc_sync', room: this.room, data })) as unknown as { sync?: string; awareness?: string };
  }

  #sendAwareness(clients: number[]): void {
    const data = toBase64(encodeAwarenessUpdate(this.awareness, clients));
    if (this.client.transportKind === 'sse') void this.client.api.post(`/docs/${this.id}/awareness`, { data }).catch(() => undefined);
    else this.client.send({ type: 'doc_awareness', room: this.room, data });
  }

  #wentOffline(): void {
    // Others' cursors are stale once the link is gone; they come back with the next handshake.
    const others = [...this.awareness.getStates().keys()].filter((c) => c !== this.doc.clientID);
    if (others.length > 0) removeAwarenessStates(this.awareness, others, REMOTE);
    this.#setStatus('offline');
  }

  #fail(error: TandemError): void {
    this.#error = error;
    if (error.code !== 'forbidden') this.#setStatus('error');
    else this.#changed();
  }

  #setStatus(status: DocumentStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
