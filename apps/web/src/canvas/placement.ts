/** Where a node of the usual size is drawn (a note is 180 px wide and at least 64 px tall). */
export const NOTE_SIZE = { width: 180, height: 64 } as const;

/** Space kept free around a new node. */
const GAP = 24;

interface Box {
  readonly position: { readonly x: number; readonly y: number };
  readonly measured?: { readonly width?: number; readonly height?: number };
}

/**
 * The top-left corner for a new node near `centre` (flow coordinates) where it overlaps no
 * existing node: the centre itself, else the nearest free cell of rings of cells around it.
 * Two people adding nodes at once from the same view may still land on the same cell; they
 * can drag one away.
 */
export function freeSpot(centre: { x: number; y: number }, nodes: readonly Box[]): { x: number; y: number } {
  const origin = { x: centre.x - NOTE_SIZE.width / 2, y: centre.y - NOTE_SIZE.height / 2 };
  const step = { x: NOTE_SIZE.width + GAP * 2, y: NOTE_SIZE.height + GAP * 2 };
  const free = (x: number, y: number) =>
    nodes.every((n) => {
      const width = n.measured?.width ?? NOTE_SIZE.width;
      const height = n.measured?.height ?? NOTE_SIZE.height;
      return (
        x + NOTE_SIZE.width + GAP <= n.position.x ||
        n.position.x + width + GAP <= x ||
        y + NOTE_SIZE.height + GAP <= n.position.y ||
        n.position.y + height + GAP <= y
      );
    });
  for (let ring = 0; ring <= 6; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const x = Math.round(origin.x + dx * step.x);
        const y = Math.round(origin.y + dy * step.y);
        if (free(x, y)) return { x, y };
      }
    }
  }
  return { x: Math.round(origin.x), y: Math.round(origin.y) };
}
