import { type DocumentInfo, roleAtLeast } from '@tandem/protocol';
import * as Y from 'yjs';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { GatewayApi } from '../gateway-api.ts';
import type { DocumentAccess } from './document-access.ts';
import type { DocumentStore } from './document-store.ts';
import { documentText } from './document-text.ts';
import { LiveDocument, readSyncRequest, updateMessage } from './live-document.ts';
import { fromBase64, toBase64 } from './yjs-state.ts';

/** Who sent a sync or awareness message: a realtime connection, or a REST call (`id` then names no connection). */
export interface DocumentSender {
  readonly id: string;
  readonly userId: string;
  readonly auth: AuthInfo;
}

/** What the hub does beside syncing: write a rich text field's plain value, take automatic versions. */
export interface DocumentHubHooks {
  /** Called once edits of a document settled, with its plain rendering and the last editor. */
  settled(info: DocumentInfo, text: string, editor: AuthInfo): Promise<void>;
  /** Called after an accepted update; takes an automatic version when one is due. */
  edited(info: DocumentInfo, live: LiveDocument, editor: AuthInfo): Promise<void>;
}

interface Entry {
  readonly info: DocumentInfo;
  readonly live: LiveDocument;
  /** Pending plain-value write after edits settle. */
  settleTimer: ReturnType<typeof setTimeout> | null;
  /** When the first edit not yet written as the plain value arrived. */
  pendingSince: number | null;
  /** When `updated_at` was last written. */
  touchedAt: number;
  lastEditor: AuthInfo | null;
}

/** How often a document being edited has its `updated_at` written. */
const TOUCH_EVERY_MS = 10_000;
/** While edits never pause, the plain value is written after at most this many debounce periods. */
const SETTLE_MAX_WAIT_FACTOR = 5;

/**
 * The documents loaded on this node and their participants. A document is loaded from the
 * store on first use and unloaded once nobody on this node has been in it for `unloadMs`.
 * An update from a participant is checked (their role on the document's owner), stored, then
 * applied and sent to the others here and, over the bus, on every other node.
 */
export class DocumentHub {
  readonly #entries = new Map<string, Promise<Entry>>();
  readonly #ready = new Map<string, Entry>();

  constructor(
    private readonly ctx: AppContext,
    private readonly store: DocumentStore,
    private readonly docs: DocumentAccess,
    private readonly gateway: GatewayApi,
    private readonly nodeId: string,
    private readonly hooks: DocumentHubHooks,
  ) {
    ctx.bus.onMessage((message) => {
      if (message.kind !== 'control' || !('node' in message.control) || message.control.node === this.nodeId) return;
      const control = message.control;
      const entry = this.#ready.get(control.doc_id);
      if (!entry) return;
      if (control.type === 'doc_update') {
        entry.live.apply(fromBase64(control.data), 'bus');
        entry.live.lastSeq = Math.max(entry.live.lastSeq, control.seq);
        this.#sendLocal(
          entry.info.id,
          { type: 'doc_sync', room: roomOf(entry.info.id), data: toBase64(updateMessage(fromBase64(control.data))) },
          control.except,
        );
      } else if (control.type === 'doc_awareness') {
        entry.live.applyAwareness(control.except ?? 'bus', fromBase64(control.data), null);
        this.#sendLocal(entry.info.id, { type: 'doc_awareness', room: roomOf(entry.info.id), data: control.data }, control.except);
      }
    });
    gateway.onConnectionClosed((caller) => this.#dropConnection(caller.id));
  }

  /** How many documents this node holds in memory. */
  get loadedCount(): number {
    return this.#ready.size;
  }

  /** Whether the document is in memory on this node. */
  isLoaded(id: string): boolean {
    return this.#ready.has(id);
  }

  /** The loaded document (loading it from the store when needed). */
  async entry(info: DocumentInfo): Promise<Entry> {
    let pending = this.#entries.get(info.id);
    if (!pending) {
      pending = (async () => {
        const [stored, [head]] = await Promise.all([
          this.store.load(info.id),
          this.ctx.db.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM document_updates WHERE document_id = $1', [info.id]),
        ]);
        const live = new LiveDocument(info.id, stored);
        live.lastSeq = Number(head?.seq ?? 0);
        const entry: Entry = { info, live, settleTimer: null, pendingSince: null, touchedAt: 0, lastEditor: null };
        this.#ready.set(info.id, entry);
        return entry;
      })();
      this.#entries.set(info.id, pending);
      pending.catch(() => this.#entries.delete(info.id));
    }
    return pending;
  }

  /**
   * Handles a `doc_sync` message: step 1 is answered (in the ack) with step 2, the server's step
   * 1 and everyone's awareness; an update is refused below editor, else stored, applied and sent on.
   */
  async sync(caller: DocumentSender, info: DocumentInfo, data: string): Promise<Record<string, unknown>> {
    let request: ReturnType<typeof readSyncRequest>;
    try {
      request = readSyncRequest(fromBase64(data));
    } catch {
      throw errors.invalid('Not a Yjs sync message.', { field: 'data' });
    }
    const entry = await this.entry(info);
    entry.live.idleSince = null;
    if (request.kind === 'step1') {
      await this.#catchUp(entry);
      const awareness = entry.live.awarenessSnapshot();
      return { sync: toBase64(entry.live.answerStep1(request.stateVector)), ...(awareness ? { awareness: toBase64(awareness) } : {}) };
    }
    // An empty update (a client with nothing the server lacks) changes nothing: no write.
    if (isEmptyUpdate(request.update)) return { stored: false };
    const role = await this.docs.roleOf(caller.userId, info);
    if (!role) throw errors.notFound('Document');
    if (!roleAtLeast(role, 'editor')) throw errors.forbidden(`Your role (${role}) can read this document but not change it.`);
    await this.#accept(entry, request.update, caller.auth, caller.id);
    return { stored: true };
  }

  /** Applies an update made on the server (a restore) as if a participant had sent it. */
  async applyServerUpdate(info: DocumentInfo, update: Uint8Array, auth: AuthInfo): Promise<void> {
    const entry = await this.entry(info);
    await this.#accept(entry, update, auth, null);
  }

  /** Handles a `doc_awareness` message: the caller's cursor, selection or leaving, relayed to the others. */
  async awareness(caller: DocumentSender, info: DocumentInfo, data: string): Promise<void> {
    const entry = await this.entry(info);
    let update: Uint8Array;
    try {
      const { user } = caller.auth;
      update = entry.live.applyAwareness(caller.id, fromBase64(data), { id: user.id, name: user.name, color: user.color });
    } catch {
      throw errors.invalid('Not a Yjs awareness update.', { field: 'data' });
    }
    const out = toBase64(update);
    this.#sendLocal(info.id, { type: 'doc_awareness', room: roomOf(info.id), data: out }, caller.id);
    await this.ctx.bus.publish({ kind: 'control', control: { type: 'doc_awareness', doc_id: info.id, data: out, node: this.nodeId, except: caller.id } });
  }

  /** The loaded state of a document, or its stored state when not loaded (versions, previews). */
  async state(info: DocumentInfo): Promise<Y.Doc> {
    const entry = await this.entry(info);
    await this.#catchUp(entry);
    return entry.live.doc;
  }

  /** Unloads documents nobody on this node has been in for `unloadMs` (their pending plain values are written first). */
  async sweep(unloadMs: number, now = Date.now()): Promise<void> {
    for (const [id, entry] of this.#ready) {
      if (this.gateway.localSubscribers(roomOf(id)).length > 0) {
        entry.live.idleSince = null;
        continue;
      }
      entry.live.idleSince ??= now;
      if (now - entry.live.idleSince < unloadMs) continue;
      await this.#settleNow(entry);
      this.#ready.delete(id);
      this.#entries.delete(id);
      entry.live.destroy();
    }
  }

  /** Forgets a deleted document. */
  forget(id: string): void {
    const entry = this.#ready.get(id);
    if (entry?.settleTimer) clearTimeout(entry.settleTimer);
    entry?.live.destroy();
    this.#ready.delete(id);
    this.#entries.delete(id);
  }

  /** Writes every pending plain value and drops every document (server shutdown). */
  async close(): Promise<void> {
    for (const entry of this.#ready.values()) await this.#settleNow(entry);
    for (const entry of this.#ready.values()) entry.live.destroy();
    this.#ready.clear();
    this.#entries.clear();
  }

  async #accept(entry: Entry, update: Uint8Array, auth: AuthInfo, except: string | null): Promise<void> {
    const data = toBase64(update);
    const seq = await this.store.append(entry.info.id, data, auth.user.id);
    entry.live.apply(update, except ?? 'server');
    entry.live.lastSeq = Math.max(entry.live.lastSeq, seq);
    const message = toBase64(updateMessage(update));
    this.#sendLocal(entry.info.id, { type: 'doc_sync', room: roomOf(entry.info.id), data: message }, except);
    await this.ctx.bus.publish({ kind: 'control', control: { type: 'doc_update', doc_id: entry.info.id, seq, data, node: this.nodeId, except: except ?? '' } });
    entry.lastEditor = auth;
    this.#scheduleSettle(entry);
    if (Date.now() - entry.touchedAt >= TOUCH_EVERY_MS) {
      entry.touchedAt = Date.now();
      void this.store.touch(entry.info.id).catch(() => undefined);
    }
    await this.hooks.edited(entry.info, entry.live, auth).catch((err) => this.ctx.log.warn({ err, doc: entry.info.id }, 'documents: automatic version failed'));
  }

  /** Applies what the store has beyond what this node applied (a bus message lost while Redis was away). */
  async #catchUp(entry: Entry): Promise<void> {
    const missed = await this.store.updatesAfter(entry.info.id, entry.live.lastSeq);
    for (const u of missed) {
      entry.live.apply(fromBase64(u.data), 'store');
      entry.live.lastSeq = Math.max(entry.live.lastSeq, u.seq);
    }
  }

  /**
   * Writes the plain value once edits paused for `DOC_PLAIN_DEBOUNCE_MS`, and at least every
   * {@link SETTLE_MAX_WAIT_FACTOR} times that while people keep typing.
   */
  #scheduleSettle(entry: Entry): void {
    const debounce = this.ctx.config.docPlainDebounceMs;
    const now = Date.now();
    entry.pendingSince ??= now;
    const latest = entry.pendingSince + debounce * SETTLE_MAX_WAIT_FACTOR;
    if (entry.settleTimer) clearTimeout(entry.settleTimer);
    entry.settleTimer = setTimeout(() => void this.#settleNow(entry), Math.max(0, Math.min(debounce, latest - now)));
    entry.settleTimer.unref?.();
  }

  async #settleNow(entry: Entry): Promise<void> {
    if (!entry.settleTimer || !entry.lastEditor) return;
    clearTimeout(entry.settleTimer);
    entry.settleTimer = null;
    entry.pendingSince = null;
    try {
      await this.hooks.settled(entry.info, documentText(entry.live.doc, entry.info.kind), entry.lastEditor);
    } catch (err) {
      this.ctx.log.warn({ err, doc: entry.info.id }, 'documents: writing the plain value failed');
    }
  }

  #sendLocal(id: string, signal: { type: 'doc_sync' | 'doc_awareness'; room: string; data: string }, except: string | null): void {
    this.gateway.sendToLocalSubscribers(roomOf(id), signal, (c) => c.id !== except);
  }

  #dropConnection(connectionId: string): void {
    for (const entry of this.#ready.values()) {
      const update = entry.live.dropConnection(connectionId);
      if (!update) continue;
      const data = toBase64(update);
      this.#sendLocal(entry.info.id, { type: 'doc_awareness', room: roomOf(entry.info.id), data }, null);
      void this.ctx.bus
        .publish({ kind: 'control', control: { type: 'doc_awareness', doc_id: entry.info.id, data, node: this.nodeId, except: null } })
        .catch(() => undefined);
    }
  }
}

/** The room of a document. */
export function roomOf(id: string): string {
  return `doc:${id}`;
}

/** Whether a Yjs update carries no change (no structs, no deletions). */
function isEmptyUpdate(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update);
  return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
}
