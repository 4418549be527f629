import { useViewport, ViewportPortal } from '@xyflow/react';

/** Another participant's pointer, in flow coordinates. */
export interface RemoteCursor {
  readonly clientId: number;
  readonly name: string;
  readonly color: string;
  readonly x: number;
  readonly y: number;
}

/**
 * Others' pointers drawn inside the viewport (so they pan and zoom with the canvas), each an
 * arrow with the person's name in their colour, kept the same size on screen at any zoom.
 */
export function RemoteCursors({ cursors }: { cursors: readonly RemoteCursor[] }) {
  const { zoom } = useViewport();
  return (
    <ViewportPortal>
      {cursors.map((c) => (
        <div
          key={c.clientId}
          className="canvas-cursor"
          style={{ transform: `translate(${c.x}px, ${c.y}px) scale(${1 / zoom})`, color: c.color }}
          data-name={c.name}
        >
          <svg width="16" height="20" viewBox="0 0 16 20" aria-hidden="true">
            <path d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z" fill="currentColor" stroke="#fff" strokeWidth="1.2" />
          </svg>
          <span className="canvas-cursor-name" style={{ background: c.color }}>
            {c.name}
          </span>
        </div>
      ))}
    </ViewportPortal>
  );
}
