import type { DocumentStatus } from '@tandem/client';
import type { DocumentInfo } from '@tandem/protocol';
import { roleAtLeast } from '@tandem/protocol';
import { useAwareness, useDocument, useRoom } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { Background, ConnectionMode, Controls, type NodeTypes, type OnSelectionChangeParams, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { type FormEvent, type KeyboardEvent, type PointerEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { VersionHistory } from '../documents/version-history.tsx';
import { documentKeys } from '../documents/version-queries.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { Avatar } from '../ui/avatar.tsx';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { RenameCanvasForm, useDeleteCanvasConfirmed } from './canvas-actions.tsx';
import { NODE_COLORS } from './canvas-model.ts';
import { useDocumentInfo } from './canvas-queries.ts';
import { CanvasNodeContext, NoteNode, type RemoteSelector } from './note-node.tsx';
import { freeSpot } from './placement.ts';
import { type RemoteCursor, RemoteCursors } from './remote-cursors.tsx';
import { useCanvasFlow } from './use-canvas-flow.ts';
import '@xyflow/react/dist/style.css';
import '../styles/canvas.css';

/** Node components by type; a module constant, as React Flow asks, so nodes are not remounted each render. */
const NODE_TYPES: NodeTypes = { note: NoteNode };

/** What this app puts in a participant's awareness state besides the server's `user`. */
interface PeerState extends Record<string, unknown> {
  /** The pointer in flow coordinates, null when it left the canvas. */
  readonly cursor?: { readonly x: number; readonly y: number } | null;
  /** Ids of the nodes the person has selected. */
  readonly selection?: readonly string[];
}

/** Longest pause between two cursor updates sent to others. */
const CURSOR_INTERVAL_MS = 40;

const STATUS_TEXT: Readonly<Record<DocumentStatus, string>> = {
  connecting: 'Connecting…',
  synced: 'Synced',
  offline: 'Offline — edits kept',
  error: 'Not synced',
};

/**
 * A canvas of a workspace: loads its name, then the collaborative board. A rename by anyone shows
 * at once; a deletion by someone else replaces the board with a note saying who deleted it.
 */
export function CanvasPage({ workspace, docId }: { workspace: WorkspaceSummary; docId: string }) {
  const info = useDocumentInfo(docId);
  const queries = useQueryClient();
  const [deletedBy, setDeletedBy] = useState<string | null>(null);
  useRoom(`doc:${docId}`, (event) => {
    if (!('deleted' in event) || event.type !== 'doc_info') return;
    if (event.deleted) setDeletedBy(event.actor.name);
    else queries.setQueryData(documentKeys.doc(docId), event.document);
  });
  if (deletedBy) {
    return (
      <EmptyState title="This canvas was deleted">
        <p>
          {deletedBy} deleted it. <Link href={`/w/${workspace.id}/canvases`}>Back to the canvases</Link>
        </p>
      </EmptyState>
    );
  }
  if (info.isPending) return <LoadingState label="Loading the canvas" />;
  if (info.isError) return <ErrorState error={info.error} onRetry={() => void info.refetch()} />;
  if (info.data.kind !== 'canvas' || info.data.workspace_id !== workspace.id) {
    return <EmptyState title="Canvas not found">This workspace has no canvas at this address.</EmptyState>;
  }
  return (
    <ReactFlowProvider>
      <CanvasBoard key={docId} workspace={workspace} docId={docId} info={info.data} />
    </ReactFlowProvider>
  );
}

/**
 * The node graph bound to the document: others' pointers and selections live, per-user undo,
 * versions beside it. Viewers and commenters see it read-only, as does anyone whose edit the
 * server refused.
 */
function CanvasBoard({ workspace, docId, info }: { workspace: WorkspaceSummary; docId: string; info: DocumentInfo }) {
  const { doc, awareness, status, error, readOnly: refused } = useDocument(docId);
  const roleCanEdit = roleAtLeast(workspace.role, 'editor');
  const readOnly = !roleCanEdit || refused;
  const flow = useCanvasFlow(doc, readOnly);
  const participants = useAwareness<PeerState>(awareness);
  const { screenToFlowPosition, fitView } = useReactFlow();
  const board = useRef<HTMLDivElement>(null);
  const [color, setColor] = useState(NODE_COLORS[0]?.value ?? '#fde68a');
  const [historyOpen, setHistoryOpen] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const remove = useDeleteCanvasConfirmed(workspace.id);
  const titleId = useId();

  // Once the first sync brings the nodes, frame them.
  const framed = useRef(false);
  const hasNodes = flow.nodes.length > 0;
  useEffect(() => {
    if (framed.current || status !== 'synced') return;
    framed.current = true;
    if (hasNodes) void fitView({ padding: 0.2, maxZoom: 1 });
  }, [status, hasNodes, fitView]);

  // Pointer: sent at most every CURSOR_INTERVAL_MS, the last position always goes out.
  const cursor = useRef<{ x: number; y: number } | null>(null);
  const cursorTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sendCursor = useCallback(() => {
    cursorTimer.current = null;
    awareness?.setLocalStateField('cursor', cursor.current);
  }, [awareness]);
  const onPointerMove = (event: PointerEvent) => {
    cursor.current = screenToFlowPosition({ x: event.clientX, y: event.clientY });
    if (!cursorTimer.current) cursorTimer.current = setTimeout(sendCursor, CURSOR_INTERVAL_MS);
  };
  const onPointerLeave = () => {
    cursor.current = null;
    if (!cursorTimer.current) cursorTimer.current = setTimeout(sendCursor, CURSOR_INTERVAL_MS);
  };
  useEffect(
    () => () => {
      if (cursorTimer.current) clearTimeout(cursorTimer.current);
      cursorTimer.current = null;
    },
    [],
  );

  const onSelectionChange = useCallback(
    ({ nodes }: OnSelectionChangeParams) => {
      if (!awareness) return;
      const ids = nodes.map((n) => n.id);
      const current = (awareness.getLocalState() as PeerState | null)?.selection ?? [];
      if (current.length === ids.length && current.every((id, i) => id === ids[i])) return;
      awareness.setLocalStateField('selection', ids);
    },
    [awareness],
  );

  const selectedBy = useMemo(() => {
    const byNode = new Map<string, RemoteSelector[]>();
    for (const p of participants) {
      if (!p.user) continue;
      for (const id of p.state.selection ?? []) {
        const list = byNode.get(id) ?? [];
        if (!list.some((s) => s.name === p.user?.name)) list.push({ name: p.user.name, color: p.user.color });
        byNode.set(id, list);
      }
    }
    return byNode;
  }, [participants]);
  const cursors = useMemo(
    () =>
      participants.flatMap((p): RemoteCursor[] =>
        p.user && p.state.cursor ? [{ clientId: p.clientId, name: p.user.name, color: p.user.color, x: p.state.cursor.x, y: p.state.cursor.y }] : [],
      ),
    [participants],
  );
  const people = useMemo(() => [...new Map(participants.flatMap((p) => (p.user ? [[p.user.id, p.user] as const] : []))).values()], [participants]);

  const { update, undo, redo } = flow;
  const [editing, setEditing] = useState<string | null>(null);
  const nodeContext = useMemo(
    () => ({
      readOnly,
      selectedBy,
      editing: readOnly ? null : editing,
      onEditEnd: (id: string, fields: { title: string; text: string } | null) => {
        setEditing(null);
        if (fields) update(id, fields);
      },
    }),
    [readOnly, selectedBy, editing, update],
  );
  // Enter on a focused node edits it, as a double-click does.
  const onBoardKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (event.key === 'Enter' && target.classList.contains('react-flow__node') && target.dataset.id) setEditing(target.dataset.id);
  };

  // Ctrl/Cmd+Z undoes, with Shift (or Ctrl+Y) redoes; typing in a field keeps the field's own undo.
  useEffect(() => {
    if (readOnly) return undefined;
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) undo();
      else if ((key === 'z' && event.shiftKey) || key === 'y') redo();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [readOnly, undo, redo]);

  const addNode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const title = String(new FormData(form).get('title') ?? '').trim() || 'Untitled';
    const rect = board.current?.getBoundingClientRect();
    const centre = rect ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
    const { x, y } = freeSpot(centre, flow.nodes);
    if (flow.add({ title, text: '', color, x, y })) form.reset();
  };
  const recolour = (value: string) => {
    setColor(value);
    for (const n of flow.nodes) if (n.selected) update(n.id, { color: value });
  };

  const readOnlyReason = !roleCanEdit
    ? `You can view this canvas; your role (${workspace.role}) cannot change it.`
    : refused
      ? 'The server refused a change: you can only view this canvas.'
      : null;

  return (
    <section className="canvas-page" aria-labelledby={titleId}>
      <div className="canvas-head">
        <div className="canvas-title">
          <Link href={`/w/${workspace.id}/canvases`} className="canvas-back">
            Canvases
          </Link>
          <span aria-hidden="true">/</span>
          {renaming ? <RenameCanvasForm canvas={info} onDone={() => setRenaming(false)} /> : <h1 id={titleId}>{info.name}</h1>}
        </div>
        {roleCanEdit && !renaming && (
          <div className="canvas-title-actions">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={remove.pending}
              onClick={async () => {
                if (await remove.run(info)) navigate(`/w/${workspace.id}/canvases`);
              }}
            >
              Delete
            </button>
          </div>
        )}
        <span className="canvas-status" role="status" aria-live="polite" data-status={status}>
          <span className="connection-dot" aria-hidden="true" />
          {STATUS_TEXT[status]}
          {status === 'error' && error ? `: ${error.message}` : ''}
        </span>
        {people.length > 0 && (
          <ul className="canvas-people avatar-stack presence" aria-label={`Also here: ${people.map((u) => u.name).join(', ')}`}>
            {people.map((u) => (
              <li key={u.id}>
                <Avatar name={u.name} color={u.color} size="sm" />
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="btn btn-small canvas-history-toggle" aria-expanded={historyOpen} onClick={() => setHistoryOpen((o) => !o)}>
          History
        </button>
      </div>

      {remove.error && (
        <p className="form-error canvas-error" role="alert">
          {errorMessage(remove.error)}
        </p>
      )}
      {readOnly ? (
        <p className="canvas-readonly" role="note">
          {readOnlyReason}
        </p>
      ) : (
        <div className="canvas-toolbar" role="toolbar" aria-label="Canvas tools">
          <form className="canvas-add" onSubmit={addNode}>
            <input name="title" aria-label="New node title" placeholder="New node title" maxLength={200} />
            <button type="submit" className="btn btn-primary btn-small">
              Add node
            </button>
          </form>
          <fieldset className="canvas-colors">
            <legend className="visually-hidden">Colour of new and selected nodes</legend>
            {NODE_COLORS.map((c) => (
              <button
                key={c.value}
                type="button"
                className="canvas-swatch"
                style={{ background: c.value }}
                aria-label={`Colour ${c.name}`}
                aria-pressed={color === c.value}
                onClick={() => recolour(c.value)}
              />
            ))}
          </fieldset>
          <span className="canvas-toolbar-gap" />
          <button type="button" className="btn btn-small" onClick={undo} disabled={!flow.canUndo} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className="btn btn-small" onClick={redo} disabled={!flow.canRedo} title="Redo (Shift+Ctrl+Z)">
            Redo
          </button>
          <span className="hint">Double-click a node to edit · drag from a handle to connect · Delete removes</span>
        </div>
      )}

      <div className="canvas-body">
        <div className="canvas-board" ref={board}>
          <CanvasNodeContext.Provider value={nodeContext}>
            <ReactFlow
              nodes={flow.nodes}
              edges={flow.edges}
              nodeTypes={NODE_TYPES}
              onNodesChange={flow.onNodesChange}
              onEdgesChange={flow.onEdgesChange}
              onConnect={flow.onConnect}
              onDelete={flow.onDelete}
              onNodeDragStart={flow.onNodeDragStart}
              onNodeDoubleClick={(_, node) => setEditing(node.id)}
              onSelectionChange={onSelectionChange}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              connectionMode={ConnectionMode.Loose}
              deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
              zoomOnDoubleClick={false}
              onPointerMove={onPointerMove}
              onPointerLeave={onPointerLeave}
              onKeyDown={onBoardKeyDown}
              minZoom={0.2}
              maxZoom={2}
            >
              <Background gap={20} />
              <Controls showInteractive={false} />
              <RemoteCursors cursors={cursors} />
            </ReactFlow>
          </CanvasNodeContext.Provider>
        </div>
        {historyOpen && <VersionHistory docId={docId} kind="canvas" doc={doc} canEdit={!readOnly} layout="side" onClose={() => setHistoryOpen(false)} />}
      </div>
    </section>
  );
}
