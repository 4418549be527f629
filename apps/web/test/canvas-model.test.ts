import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNode, canvasMaps, connect, moveNodes, readEdges, readNodes, remove } from '../src/canvas/canvas-model.ts';
import { freeSpot, NOTE_SIZE } from '../src/canvas/placement.ts';

/** Two replicas of one canvas that exchange every update at once, as the server relays them. */
function twoReplicas() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(b, update, 'relay'));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(a, update, 'relay'));
  return { a: canvasMaps(a), b: canvasMaps(b) };
}

const fields = (title: string, x = 0, y = 0) => ({ title, text: '', color: '#fde68a', x, y });

describe('canvas document writes', () => {
  it('an undo manager tracking one person’s origin takes back their change and leaves another’s later change', () => {
    const { a, b } = twoReplicas();
    const mine = { person: 'alice' };
    const undo = new Y.UndoManager([a.nodes, a.edges], { trackedOrigins: new Set([mine]) });
    const alices = addNode(a, fields('Alice'), mine);
    undo.stopCapturing();
    const bobs = addNode(b, fields('Bob'), { person: 'bob' });
    moveNodes(b, new Map([[bobs, { x: 50, y: 60 }]]), { person: 'bob' });

    undo.undo();
    expect(readNodes(b).map((n) => n.title)).toEqual(['Bob']);
    expect(readNodes(a).find((n) => n.id === bobs)).toMatchObject({ x: 50, y: 60 });
    undo.redo();
    expect(
      readNodes(b)
        .map((n) => n.id)
        .sort(),
    ).toEqual([alices, bobs].sort());
  });

  it('deleting a node deletes the edges that touch it, and one undo brings both back', () => {
    const { a } = twoReplicas();
    const mine = {};
    const undo = new Y.UndoManager([a.nodes, a.edges], { trackedOrigins: new Set([mine]) });
    const one = addNode(a, fields('One'), mine);
    const two = addNode(a, fields('Two'), mine);
    const three = addNode(a, fields('Three'), mine);
    connect(a, one, two, mine);
    connect(a, two, three, mine);
    undo.stopCapturing();

    remove(a, [two], [], mine);
    expect(readNodes(a).map((n) => n.title)).toEqual(['One', 'Three']);
    expect(a.edges.size).toBe(0);
    undo.undo();
    expect(readEdges(a)).toHaveLength(2);
  });

  it('connects two nodes once, whichever way round, and never a node to itself', () => {
    const { a } = twoReplicas();
    const one = addNode(a, fields('One'), null);
    const two = addNode(a, fields('Two'), null);
    expect(connect(a, one, two, null)).toBe(true);
    expect(connect(a, two, one, null)).toBe(false);
    expect(connect(a, one, one, null)).toBe(false);
    expect(connect(a, one, 'gone', null)).toBe(false);
    expect(readEdges(a)).toHaveLength(1);
  });

  it('does not draw an edge whose node another replica deleted meanwhile', () => {
    const { a, b } = twoReplicas();
    const one = addNode(a, fields('One'), null);
    const two = addNode(a, fields('Two'), null);
    // Apply b's delete directly to its maps, without the edge cleanup remove() does.
    connect(a, one, two, null);
    b.doc.transact(() => b.nodes.delete(two));
    expect(a.edges.size).toBe(1);
    expect(readEdges(a)).toEqual([]);
  });
});

describe('where a new node goes', () => {
  const centre = { x: 500, y: 300 };
  const at = (x: number, y: number) => ({ position: { x, y } });

  it('takes the centre of the view when it is free', () => {
    expect(freeSpot(centre, [])).toEqual({ x: 500 - NOTE_SIZE.width / 2, y: 300 - NOTE_SIZE.height / 2 });
  });

  it('moves next to the nodes around the centre rather than on top of them', () => {
    const nodes = [at(410, 268), at(430, 200)];
    const spot = freeSpot(centre, nodes);
    for (const n of nodes) {
      const apart =
        spot.x + NOTE_SIZE.width <= n.position.x ||
        n.position.x + NOTE_SIZE.width <= spot.x ||
        spot.y + NOTE_SIZE.height <= n.position.y ||
        n.position.y + NOTE_SIZE.height <= spot.y;
      expect(apart).toBe(true);
    }
  });
});
