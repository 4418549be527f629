import {
  CANVAS_EDGES,
  CANVAS_NODES,
  type CanvasEdgeRef,
  type CanvasNodeChange,
  type CanvasNodeRef,
  type DocumentKind,
  type TextChange,
  type VersionChanges,
} from '@tandem/protocol';
import { diffWordsWithSpace } from 'diff';
import type * as Y from 'yjs';
import { documentText } from './document-text.ts';

/**
 * Most word-level edits a comparison looks for. Beyond it (a page replaced by another) the whole
 * old text shows as removed and the new one as added, instead of the diff taking seconds.
 */
const MAX_EDIT_LENGTH = 5_000;

/** What changed from `version` to `current` (both documents of `kind`). */
export function versionChanges(version: Y.Doc, current: Y.Doc, kind: DocumentKind): VersionChanges {
  if (kind === 'rich_text') return { kind, text: textChanges(documentText(version, kind), documentText(current, kind)) };
  return canvasChanges(version, current);
}

/** The plain renderings compared word by word (whitespace and newlines kept, so both texts can be rebuilt). */
export function textChanges(before: string, after: string): TextChange[] {
  if (before === after) return before ? [{ kind: 'same', text: before }] : [];
  const parts = diffWordsWithSpace(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  if (!parts) {
    return [...(before ? [{ kind: 'removed', text: before } as const] : []), ...(after ? [{ kind: 'added', text: after } as const] : [])];
  }
  return parts.map((p) => ({ kind: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value }));
}

type Entries = Y.Map<Y.Map<unknown>>;

function canvasChanges(version: Y.Doc, current: Y.Doc): VersionChanges {
  const [oldNodes, newNodes] = [version.getMap<Y.Map<unknown>>(CANVAS_NODES), current.getMap<Y.Map<unknown>>(CANVAS_NODES)];
  const [oldEdges, newEdges] = [version.getMap<Y.Map<unknown>>(CANVAS_EDGES), current.getMap<Y.Map<unknown>>(CANVAS_EDGES)];
  const node = (map: Entries, id: string): CanvasNodeRef => ({ id, title: String(map.get(id)?.get('title') ?? '') });
  // An edge names its ends as they are now, or as the version had them when a node went since.
  const titleOf = (id: string) => String((newNodes.get(id) ?? oldNodes.get(id))?.get('title') ?? id);
  const edge = (map: Entries, id: string): CanvasEdgeRef => ({
    id,
    source: titleOf(String(map.get(id)?.get('source'))),
    target: titleOf(String(map.get(id)?.get('target'))),
  });
  const changed: (CanvasNodeRef & { fields: CanvasNodeChange[] })[] = [];
  for (const [id, now] of newNodes) {
    const then = oldNodes.get(id);
    if (!then) continue;
    const fields = (['title', 'text', 'color'] as const).filter((f) => then.get(f) !== now.get(f)) as CanvasNodeChange[];
    if (then.get('x') !== now.get('x') || then.get('y') !== now.get('y')) fields.push('position');
    if (fields.length > 0) changed.push({ ...node(newNodes, id), fields });
  }
  // An edge whose ends changed under the same id counts as one removed and one added.
  const sameEdge = (id: string) => {
    const [a, b] = [oldEdges.get(id), newEdges.get(id)];
    return a !== undefined && b !== undefined && a.get('source') === b.get('source') && a.get('target') === b.get('target');
  };
  return {
    kind: 'canvas',
    nodes: {
      added: [...newNodes.keys()].filter((id) => !oldNodes.has(id)).map((id) => node(newNodes, id)),
      removed: [...oldNodes.keys()].filter((id) => !newNodes.has(id)).map((id) => node(oldNodes, id)),
      changed,
    },
    edges: {
      added: [...newEdges.keys()].filter((id) => !sameEdge(id)).map((id) => edge(newEdges, id)),
      removed: [...oldEdges.keys()].filter((id) => !sameEdge(id)).map((id) => edge(oldEdges, id)),
    },
  };
}
