import type { CanvasNodeFields } from '@tandem/protocol';
import { applyEdgeChanges, applyNodeChanges, type Connection, type Edge, type EdgeChange, MarkerType, type Node, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Y from 'yjs';
import { addNode, type CanvasEdge, type CanvasNode, canvasMaps, connect, moveNodes, readEdges, readNodes, remove, updateNode } from './canvas-model.ts';
import { NOTE_SIZE } from './placement.ts';

/** What a canvas node carries to its component. */
export interface NoteData extends Record<string, unknown> {
  readonly title: string;
  readonly text: string;
  readonly color: string;
}

/** A canvas node as React Flow draws it. */
export type NoteNode = Node<NoteData, 'note'>;

/** What {@link useCanvasFlow} returns: React Flow's controlled state and the writes of this user. */
export interface CanvasFlow {
  readonly nodes: NoteNode[];
  readonly edges: Edge[];
  readonly onNodesChange: (changes: NodeChange<NoteNode>[]) => void;
  readonly onEdgesChange: (changes: EdgeChange[]) => void;
  readonly onConnect: (connection: Connection) => void;
  readonly onDelete: (deleted: { nodes: NoteNode[]; edges: Edge[] }) => void;
  readonly onNodeDragStart: () => void;
  readonly add: (fields: CanvasNodeFields) => string | null;
  readonly update: (id: string, fields: Partial<Pick<CanvasNodeFields, 'title' | 'text' | 'color'>>) => void;
  readonly undo: () => void;
  readonly redo: () => void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

/** Keeps a previous node object when nothing drawn changed, so React Flow re-renders only what moved or changed. */
function mergeNodes(previous: readonly NoteNode[], next: readonly CanvasNode[]): NoteNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = before.get(n.id);
    // A node this user is dragging stays under their pointer; the drag's own writes catch up.
    const position = old?.dragging ? old.position : { x: n.x, y: n.y };
    if (
      old &&
      old.position.x === position.x &&
      old.position.y === position.y &&
      old.data.title === n.title &&
      old.data.text === n.text &&
      old.data.color === n.color
    )
      return old;
    return { ...old, id: n.id, type: 'note', position, data: { title: n.title, text: n.text, color: n.color }, ariaLabel: n.title || 'Untitled' };
  });
}

/** The arrowhead at an edge's target; the colour matches the edge stroke in canvas.css. */
const ARROW = { type: MarkerType.ArrowClosed, width: 18, height: 18, color: '#6b7483' } as const;

function mergeEdges(previous: readonly Edge[], next: readonly CanvasEdge[]): Edge[] {
  const before = new Map(previous.map((e) => [e.id, e]));
  return next.map((e) => {
    const old = before.get(e.id);
    if (old && old.source === e.source && old.target === e.target) return old;
    return { ...old, id: e.id, source: e.source, target: e.target, markerEnd: ARROW };
  });
}

type Side = 'top' | 'right' | 'bottom' | 'left';

/** The sides of two nodes that face each other: left/right when they sit more side by side, else top/bottom. */
function facingSides(source: NoteNode, target: NoteNode): [Side, Side] {
  const centre = (n: NoteNode) => ({
    x: n.position.x + (n.measured?.width ?? NOTE_SIZE.width) / 2,
    y: n.position.y + (n.measured?.height ?? NOTE_SIZE.height) / 2,
  });
  const a = centre(source);
  const b = centre(target);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (Math.abs(dx) > Math.abs(dy)) return dx > 0 ? ['right', 'left'] : ['left', 'right'];
  return dy > 0 ? ['bottom', 'top'] : ['top', 'bottom'];
}

/**
 * Edges store only their two nodes; they are drawn between the facing sides of the nodes as they
 * stand now. An edge whose sides did not change keeps its object.
 */
function routeEdges(edges: readonly Edge[], nodes: readonly NoteNode[], cache: Map<string, Edge>): Edge[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const routed = edges.map((e) => {
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    if (!source || !target) return e;
    const [sourceHandle, targetHandle] = facingSides(source, target);
    const cached = cache.get(e.id);
    if (
      cached &&
      cached.sourceHandle === sourceHandle &&
      cached.targetHandle === targetHandle &&
      cached.selected === e.selected &&
      cached.source === e.source &&
      cached.target === e.target
    )
      return cached;
    return { ...e, sourceHandle, targetHandle };
  });
  cache.clear();
  for (const e of routed) cache.set(e.id, e);
  return routed;
}

/**
 * Binds React Flow to a canvas `Y.Doc`: the Yjs maps are the truth, observed deeply and turned
 * into React Flow nodes and edges; React Flow's own state (selection, measured size, a drag in
 * progress) stays local. Drags move the local node at once and write positions to Yjs once per
 * animation frame in one transaction. Every write carries this hook's origin, which is the only
 * origin the undo manager tracks: undo takes back this user's changes and never another's.
 */
export function useCanvasFlow(doc: Y.Doc | null, readOnly: boolean): CanvasFlow {
  const maps = useMemo(() => (doc ? canvasMaps(doc) : null), [doc]);
  // One origin per document session: the marker of "my writes" for the undo manager.
  const origin = useMemo(() => ({ doc }), [doc]);
  const [nodes, setNodes] = useState<NoteNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [undoManager, setUndoManager] = useState<Y.UndoManager | null>(null);
  const [stacks, setStacks] = useState({ canUndo: false, canRedo: false });
  const pending = useRef(new Map<string, { x: number; y: number }>());
  const routes = useRef(new Map<string, Edge>());
  const routedEdges = useMemo(() => routeEdges(edges, nodes, routes.current), [edges, nodes]);
  const frame = useRef(0);

  useEffect(() => {
    if (!maps) {
      setNodes([]);
      setEdges([]);
      return undefined;
    }
    const rebuild = () => {
      setNodes((previous) => mergeNodes(previous, readNodes(maps)));
      setEdges((previous) => mergeEdges(previous, readEdges(maps)));
    };
    rebuild();
    maps.nodes.observeDeep(rebuild);
    maps.edges.observeDeep(rebuild);
    const manager = new Y.UndoManager([maps.nodes, maps.edges], { trackedOrigins: new Set([origin]) });
    const onStacks = () => setStacks({ canUndo: manager.canUndo(), canRedo: manager.canRedo() });
    manager.on('stack-item-added', onStacks);
    manager.on('stack-item-popped', onStacks);
    manager.on('stack-cleared', onStacks);
    setUndoManager(manager);
    return () => {
      maps.nodes.unobserveDeep(rebuild);
      maps.edges.unobserveDeep(rebuild);
      manager.destroy();
      setUndoManager(null);
      setStacks({ canUndo: false, canRedo: false });
      cancelAnimationFrame(frame.current);
      pending.current.clear();
    };
  }, [maps, origin]);

  const flush = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = 0;
    if (!maps || pending.current.size === 0) return;
    const positions = new Map(pending.current);
    pending.current.clear();
    moveNodes(maps, positions, origin);
  }, [maps, origin]);

  const onNodesChange = useCallback(
    (changes: NodeChange<NoteNode>[]) => {
      // Removals go through onDelete, which also takes the edges, in one transaction.
      const local = changes.filter((c) => c.type !== 'remove');
      if (local.length > 0) setNodes((previous) => applyNodeChanges(local, previous));
      if (readOnly) return;
      let ended = false;
      for (const c of changes) {
        if (c.type !== 'position') continue;
        if (c.position) pending.current.set(c.id, c.position);
        if (!c.dragging) ended = true;
      }
      if (ended) flush();
      else if (pending.current.size > 0 && frame.current === 0) frame.current = requestAnimationFrame(flush);
    },
    [readOnly, flush],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const local = changes.filter((c) => c.type !== 'remove');
    if (local.length > 0) setEdges((previous) => applyEdgeChanges(local, previous));
  }, []);

  const onNodeDragStart = useCallback(() => undoManager?.stopCapturing(), [undoManager]);

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!maps || readOnly) return;
      undoManager?.stopCapturing();
      connect(maps, connection.source, connection.target, origin);
    },
    [maps, origin, readOnly, undoManager],
  );

  const onDelete = useCallback(
    (deleted: { nodes: NoteNode[]; edges: Edge[] }) => {
      if (!maps || readOnly) return;
      undoManager?.stopCapturing();
      remove(
        maps,
        deleted.nodes.map((n) => n.id),
        deleted.edges.map((e) => e.id),
        origin,
      );
    },
    [maps, origin, readOnly, undoManager],
  );

  const add = useCallback(
    (fields: CanvasNodeFields) => {
      if (!maps || readOnly) return null;
      undoManager?.stopCapturing();
      return addNode(maps, fields, origin);
    },
    [maps, origin, readOnly, undoManager],
  );

  const update = useCallback(
    (id: string, fields: Partial<Pick<CanvasNodeFields, 'title' | 'text' | 'color'>>) => {
      if (!maps || readOnly) return;
      undoManager?.stopCapturing();
      updateNode(maps, id, fields, origin);
    },
    [maps, origin, readOnly, undoManager],
  );

  const undo = useCallback(() => {
    if (readOnly) return;
    flush();
    undoManager?.undo();
  }, [flush, readOnly, undoManager]);
  const redo = useCallback(() => {
    if (readOnly) return;
    undoManager?.redo();
  }, [readOnly, undoManager]);

  return { nodes, edges: routedEdges, onNodesChange, onEdgesChange, onConnect, onDelete, onNodeDragStart, add, update, undo, redo, ...stacks };
}
