import { CANVAS_EDGES, CANVAS_NODES, type CanvasEdgeFields, type CanvasNodeFields } from '@tandem/protocol';
import * as Y from 'yjs';

/**
 * The canvas as Yjs holds it, and every write the page makes to it. Each write is one
 * transaction with the caller's origin, so one user's undo manager tracks exactly their changes.
 */

/** The colours a node can take, light enough for dark text. */
export const NODE_COLORS: readonly { readonly name: string; readonly value: string }[] = [
  { name: 'Yellow', value: '#fde68a' },
  { name: 'Green', value: '#bbf7d0' },
  { name: 'Blue', value: '#bfdbfe' },
  { name: 'Pink', value: '#fbcfe8' },
  { name: 'Violet', value: '#ddd6fe' },
  { name: 'Orange', value: '#fed7aa' },
];
const DEFAULT_COLOR = '#fde68a';

/** A node's fields as read from its `Y.Map`, with its id. */
export interface CanvasNode extends CanvasNodeFields {
  readonly id: string;
}

/** An edge's fields as read from its `Y.Map`, with its id. */
export interface CanvasEdge extends CanvasEdgeFields {
  readonly id: string;
}

/** The two shared maps of a canvas document. */
export interface CanvasMaps {
  readonly doc: Y.Doc;
  readonly nodes: Y.Map<Y.Map<unknown>>;
  readonly edges: Y.Map<Y.Map<unknown>>;
}

/** The shared maps of `doc` (created empty on first use, as Yjs does). */
export function canvasMaps(doc: Y.Doc): CanvasMaps {
  return { doc, nodes: doc.getMap<Y.Map<unknown>>(CANVAS_NODES), edges: doc.getMap<Y.Map<unknown>>(CANVAS_EDGES) };
}

const text = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** The nodes, in the map's order; fields of the wrong type (another client's bug) read as defaults. */
export function readNodes(maps: CanvasMaps): CanvasNode[] {
  return [...maps.nodes.entries()].map(([id, node]) => ({
    id,
    title: text(node.get('title')),
    text: text(node.get('text')),
    color: text(node.get('color'), DEFAULT_COLOR),
    x: number(node.get('x')),
    y: number(node.get('y')),
  }));
}

/** The edges whose two ends exist (an edge left behind by a concurrent delete is not drawn). */
export function readEdges(maps: CanvasMaps): CanvasEdge[] {
  return [...maps.edges.entries()]
    .map(([id, edge]) => ({ id, source: text(edge.get('source')), target: text(edge.get('target')) }))
    .filter((e) => maps.nodes.has(e.source) && maps.nodes.has(e.target));
}

/** Adds a node; returns its id. */
export function addNode(maps: CanvasMaps, fields: CanvasNodeFields, origin: unknown): string {
  const id = crypto.randomUUID();
  maps.doc.transact(() => {
    const node = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) node.set(key, value);
    maps.nodes.set(id, node);
  }, origin);
  return id;
}

/** Writes the positions of moved nodes in one transaction (skips nodes deleted meanwhile). */
export function moveNodes(maps: CanvasMaps, positions: ReadonlyMap<string, { x: number; y: number }>, origin: unknown): void {
  maps.doc.transact(() => {
    for (const [id, { x, y }] of positions) {
      const node = maps.nodes.get(id);
      if (!node) continue;
      if (node.get('x') !== x) node.set('x', x);
      if (node.get('y') !== y) node.set('y', y);
    }
  }, origin);
}

/** Changes a node's title, text or colour (only the fields that differ, so undo has nothing empty to undo). */
export function updateNode(maps: CanvasMaps, id: string, fields: Partial<Pick<CanvasNodeFields, 'title' | 'text' | 'color'>>, origin: unknown): void {
  maps.doc.transact(() => {
    const node = maps.nodes.get(id);
    if (!node) return;
    for (const [key, value] of Object.entries(fields)) if (value !== undefined && node.get(key) !== value) node.set(key, value);
  }, origin);
}

/** Connects two nodes unless they already are (either way round counts as connected). Returns whether it added an edge. */
export function connect(maps: CanvasMaps, source: string, target: string, origin: unknown): boolean {
  if (source === target || !maps.nodes.has(source) || !maps.nodes.has(target)) return false;
  const exists = readEdges(maps).some((e) => (e.source === source && e.target === target) || (e.source === target && e.target === source));
  if (exists) return false;
  maps.doc.transact(() => {
    const edge = new Y.Map<unknown>();
    edge.set('source', source);
    edge.set('target', target);
    maps.edges.set(crypto.randomUUID(), edge);
  }, origin);
  return true;
}

/** Deletes nodes with every edge that touches them, and edges, in one transaction (one undo step). */
export function remove(maps: CanvasMaps, nodeIds: readonly string[], edgeIds: readonly string[], origin: unknown): void {
  const gone = new Set(nodeIds);
  const edgesGone = [...maps.edges.entries()]
    .filter(([id, edge]) => edgeIds.includes(id) || gone.has(text(edge.get('source'))) || gone.has(text(edge.get('target'))))
    .map(([id]) => id);
  if (nodeIds.length === 0 && edgesGone.length === 0) return;
  maps.doc.transact(() => {
    for (const id of nodeIds) maps.nodes.delete(id);
    for (const id of edgesGone) maps.edges.delete(id);
  }, origin);
}
