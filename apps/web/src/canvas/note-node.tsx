import { Handle, type NodeProps, Position } from '@xyflow/react';
import { createContext, type FocusEvent, type FormEvent, type KeyboardEvent, useContext, useState } from 'react';
import type { NoteData, NoteNode as NoteNodeType } from './use-canvas-flow.ts';

/** Someone else who has a node selected. */
export interface RemoteSelector {
  readonly name: string;
  readonly color: string;
}

/** What every node of a canvas needs from its page. */
export interface CanvasNodeContext {
  readonly readOnly: boolean;
  /** Node id → the other people who have it selected. */
  readonly selectedBy: ReadonlyMap<string, readonly RemoteSelector[]>;
  /** The node whose editor is open, or null. */
  readonly editing: string | null;
  /** Closes the editor, saving `fields` unless cancelled (null). */
  readonly onEditEnd: (id: string, fields: Pick<NoteData, 'title' | 'text'> | null) => void;
}

/** The canvas page's {@link CanvasNodeContext} for its nodes. */
export const CanvasNodeContext = createContext<CanvasNodeContext>({
  readOnly: true,
  selectedBy: new Map(),
  editing: null,
  onEditEnd: () => undefined,
});

/**
 * A handle on each side; the canvas connects in loose mode, so any handle starts or ends an
 * edge, and edges are drawn between the sides that face each other (see `routeEdges`).
 */
const SIDES = [
  { id: 'top', position: Position.Top },
  { id: 'right', position: Position.Right },
  { id: 'bottom', position: Position.Bottom },
  { id: 'left', position: Position.Left },
] as const;

/**
 * A note on the canvas: title and text on its colour, a handle on each side.
 * Its page opens the editor on a double-click or Enter (Enter in the title or leaving the editor saves, Escape cancels).
 * Someone else's selection draws an outline and their name in their colour.
 */
export function NoteNode({ id, data, selected }: NodeProps<NoteNodeType>) {
  const { readOnly, selectedBy, editing, onEditEnd } = useContext(CanvasNodeContext);
  const others = selectedBy.get(id) ?? [];

  const outline = others.map((o, i) => `0 0 0 ${3 + i * 3}px ${o.color}`).join(', ');
  return (
    <div
      className={`note${selected ? ' note-selected' : ''}${others.length > 0 ? ' note-remote' : ''}${readOnly ? ' note-read-only' : ''}`}
      style={{ background: data.color, boxShadow: outline || undefined }}
      data-selected-by={others.map((o) => o.name).join(', ') || undefined}
    >
      {others.length > 0 && (
        <span className="note-selectors" aria-hidden="true">
          {others.map((o) => (
            <span key={o.name} style={{ background: o.color }}>
              {o.name}
            </span>
          ))}
        </span>
      )}
      {SIDES.map((side) => (
        <Handle key={side.id} id={side.id} type="source" position={side.position} isConnectable={!readOnly} />
      ))}
      {editing === id ? (
        <NoteEditor data={data} onDone={(fields) => onEditEnd(id, fields)} />
      ) : (
        <>
          <p className="note-title">{data.title || 'Untitled'}</p>
          {data.text && <p className="note-text">{data.text}</p>}
        </>
      )}
    </div>
  );
}

function NoteEditor({ data, onDone }: { data: NoteData; onDone: (fields: Pick<NoteData, 'title' | 'text'> | null) => void }) {
  const [title, setTitle] = useState(data.title);
  const [text, setText] = useState(data.text);
  const save = () => onDone({ title: title.trim() || 'Untitled', text: text.trim() });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save();
  };
  const keys = (event: KeyboardEvent) => {
    // Keys typed here belong to the editor, not to the canvas (Backspace must not delete the node).
    event.stopPropagation();
    if (event.key === 'Escape') onDone(null);
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) save();
  };
  const leave = (event: FocusEvent<HTMLFormElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as globalThis.Node | null)) save();
  };
  return (
    <form className="note-editor nodrag nopan nowheel" onSubmit={submit} onKeyDown={keys} onBlur={leave}>
      {/* biome-ignore lint/a11y/noAutofocus: a double-click opens the editor, so focus belongs in it */}
      <input aria-label="Node title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} autoFocus />
      <textarea aria-label="Node text" value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={5000} />
      <span className="note-editor-hint">Enter saves the title · Ctrl+Enter saves · Esc cancels</span>
    </form>
  );
}
