import { parseRoom } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { GatewayApi, HandlerContext } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { DocumentAccess } from './document-access.ts';
import { DocumentHub } from './document-hub.ts';
import { documentRoutes } from './document-routes.ts';
import { DocumentService } from './document-service.ts';
import { DocumentStore } from './document-store.ts';
import { StateMerger } from './state-merger.ts';

/** How often the compaction job looks for documents with many stored updates. */
export const COMPACT_EVERY_MS = 5_000;

/** What documents need of records: writing a rich text field's plain value as its last editor (the only writer of that value). */
export interface PlainValueWriter {
  writeDocumentText(auth: AuthInfo, recordId: string, fieldId: string, text: string | null): Promise<unknown>;
}

/** The documents domain wired into a server. */
export interface Documents {
  readonly routes: (api: FastifyInstance) => Promise<void>;
  readonly hub: DocumentHub;
  readonly store: DocumentStore;
  /** Compacts every document with at least `minUpdates` stored updates (the background job; exposed for tests and benchmarks). */
  compact(minUpdates?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Collaborative documents: `doc:{id}` rooms readable by whoever can read the document's owner,
 * `doc_sync` and `doc_awareness` over the realtime connection, durable updates compacted by one
 * job across nodes, idle documents unloaded, rich text plain values written back to records.
 */
export function installDocuments(ctx: AppContext, access: Access, gateway: GatewayApi, records: PlainValueWriter, nodeId: string): Documents {
  const store = new DocumentStore(ctx.db);
  const docs = new DocumentAccess(ctx.db, access);
  let service: DocumentService | null = null;
  const hub = new DocumentHub(ctx, store, docs, gateway, nodeId, {
    async settled(info, text, editor) {
      if (info.kind !== 'rich_text' || !info.record_id || !info.field_id) return;
      await records.writeDocumentText(editor, info.record_id, info.field_id, text === '' ? null : text);
    },
    async edited(info, live, editor) {
      await service?.autoVersion(info, live.doc, editor);
    },
  });
  service = new DocumentService(ctx, access, docs, hub, gateway.signals);

  gateway.registerRoomCheck('doc', async (userId, _kind, id) => {
    const doc = await docs.find(id);
    return doc !== null && (await docs.roleOf(userId, doc)) !== null;
  });
  const documentOf = async (room: string, context: HandlerContext) => {
    const ref = parseRoom(room);
    if (ref?.kind !== 'doc' || !ref.id) throw errors.invalid('Documents sync in a doc:{id} room.', { field: 'room' });
    context.requireSubscribed(room);
    const doc = await docs.find(ref.id);
    if (!doc) throw errors.notFound('Document');
    return doc;
  };
  gateway.registerHandler('doc_sync', async (message, context) => hub.sync(context.caller, await documentOf(message.room, context), message.data));
  gateway.registerHandler('doc_awareness', async (message, context) => {
    await hub.awareness(context.caller, await documentOf(message.room, context), message.data);
    return {};
  });
  const unloadMs = ctx.config.docUnloadMs;
  // Its own timer, not the gateway's keep-alive tick, which would then run every task that often.
  const sweeper = setInterval(
    () => void hub.sweep(unloadMs).catch((err) => ctx.log.warn({ err }, 'documents: unloading failed')),
    Math.max(50, Math.min(5_000, Math.floor(unloadMs / 2))),
  );
  sweeper.unref();

  const merger = new StateMerger();
  const compact = async (minUpdates = ctx.config.docCompactUpdates) => {
    let merged = 0;
    for (const id of await store.compactable(minUpdates, 50)) {
      merged += await store.compact(id, (state) => merger.merge(state));
    }
    return merged;
  };
  ctx.jobs.register('documents-compact', COMPACT_EVERY_MS, async () => {
    await compact();
  });

  return {
    routes: documentRoutes(service, hub, docs),
    hub,
    store,
    compact,
    close: async () => {
      clearInterval(sweeper);
      await merger.close();
      await hub.close();
    },
  };
}
