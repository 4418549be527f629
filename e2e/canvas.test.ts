import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

describe.runIf(chromiumAvailable())('two people on one canvas', () => {
  let people: TwoPeople;
  let workspaceId: string;
  let canvasUrl: string;
  let alice: UserTab;
  let bob: UserTab;

  const node = (tab: UserTab, title: string) => tab.page.locator('.react-flow__node', { hasText: title });
  const titles = async (tab: UserTab) => (await tab.page.locator('.react-flow__node .note-title').allTextContents()).sort();
  /** A node's position in flow coordinates, from the transform React Flow gives its wrapper. */
  const position = async (tab: UserTab, title: string) => {
    const transform = (await node(tab, title).evaluate((el) => (el as { style: { transform: string } }).style.transform)) ?? '';
    const [, x = 'NaN', y = 'NaN'] = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(transform) ?? [];
    return { x: Number(x), y: Number(y) };
  };
  const centre = async (element: ReturnType<UserTab['page']['locator']>) => {
    const box = await element.boundingBox();
    if (!box) throw new Error('element is not visible');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const drag = async (tab: UserTab, from: { x: number; y: number }, to: { x: number; y: number }) => {
    await tab.page.mouse.move(from.x, from.y);
    await tab.page.mouse.down();
    await tab.page.mouse.move(to.x, to.y, { steps: 12 });
    await tab.page.mouse.up();
  };
  const addNode = async (tab: UserTab, title: string) => {
    await tab.page.getByLabel('New node title').fill(title);
    await tab.page.getByRole('button', { name: 'Add node' }).click();
    await node(tab, title).waitFor();
  };
  /** A point of the board with nothing on it (top right, left of the history panel). */
  const emptySpot = async (tab: UserTab) => {
    const box = await tab.page.locator('.canvas-board').boundingBox();
    if (!box) throw new Error('no board');
    return { x: box.x + box.width - 60, y: box.y + 40 };
  };

  beforeAll(async () => {
    people = await startTwoPeople();
    ({ workspaceId, alice, bob } = people);
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await people?.close();
  });

  it('a new canvas made from the canvases page opens for both, synced', async () => {
    await alice.page.goto(`/w/${workspaceId}`);
    await alice.page.getByRole('link', { name: 'Canvases' }).click();
    await alice.page.getByRole('heading', { name: 'Canvases' }).waitFor();
    await alice.page.getByLabel('Canvas name').fill('Line 3 layout');
    await alice.page.getByRole('button', { name: 'New canvas' }).click();
    await alice.page.getByRole('heading', { name: 'Line 3 layout' }).waitFor();
    canvasUrl = new URL(alice.page.url()).pathname;
    expect(canvasUrl).toMatch(new RegExp(`^/w/${workspaceId}/canvas/[0-9a-f-]{36}$`));

    await bob.page.goto(`/w/${workspaceId}/canvases`);
    await bob.page.getByRole('link', { name: 'Line 3 layout' }).click();
    await bob.page.getByRole('heading', { name: 'Line 3 layout' }).waitFor();
    expect(new URL(bob.page.url()).pathname).toBe(canvasUrl);
    for (const tab of [alice, bob]) await tab.page.locator('.canvas-status[data-status="synced"]', { hasText: 'Synced' }).waitFor();
  });

  it('a node added by each shows in both tabs, and an edit by one reaches the other', async () => {
    await addNode(alice, 'Cut steel');
    await addNode(bob, 'Weld frame');
    for (const tab of [alice, bob]) await eventually(() => titles(tab)).toEqual(['Cut steel', 'Weld frame']);

    await node(alice, 'Cut steel').dblclick();
    await alice.page.getByLabel('Node title', { exact: true }).fill('Cut steel plates');
    await alice.page.getByLabel('Node text', { exact: true }).fill('12 mm, laser');
    await alice.page.getByLabel('Node title', { exact: true }).press('Enter');
    await eventually(() => titles(bob)).toEqual(['Cut steel plates', 'Weld frame']);
    await eventually(() => node(bob, 'Cut steel plates').locator('.note-text').textContent()).toBe('12 mm, laser');
  });

  it('a node dragged by one moves in the other’s tab', async () => {
    const before = await position(alice, 'Cut steel plates');
    const from = await centre(node(bob, 'Cut steel plates'));
    await drag(bob, from, { x: from.x + 40, y: from.y + 180 });
    const moved = await position(bob, 'Cut steel plates');
    expect(moved.y - before.y).toBeGreaterThan(150);
    await eventually(() => position(alice, 'Cut steel plates')).toEqual(moved);
  });

  it('connecting two nodes handle to handle draws the edge in both tabs', async () => {
    const source = await centre(node(alice, 'Weld frame').locator('.react-flow__handle-bottom'));
    const target = await centre(node(alice, 'Cut steel plates').locator('.react-flow__handle-top'));
    await drag(alice, source, target);
    for (const tab of [alice, bob]) await eventually(() => tab.page.locator('.react-flow__edge').count()).toBe(1);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-edge.png') });
  });

  it('shows where the other person points and what they selected, in their colour with their name', async () => {
    await node(bob, 'Weld frame').click();
    const spot = await emptySpot(bob);
    await bob.page.mouse.move(spot.x - 200, spot.y + 120, { steps: 5 });
    const cursor = alice.page.locator('.canvas-cursor[data-name="Bob Okafor"]');
    await cursor.waitFor();
    expect(await cursor.textContent()).toBe('Bob Okafor');
    await eventually(() => node(alice, 'Weld frame').locator('.note').getAttribute('data-selected-by')).toBe('Bob Okafor');
    // Bob's selection is not Alice's: her own tab does not select the node.
    expect(await node(alice, 'Weld frame').locator('.note').getAttribute('class')).not.toContain('note-selected');
    await alice.page.getByRole('list', { name: /Also here: Bob Okafor/ }).waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-cursor.png') });
  });

  it('undo in one tab takes back only that person’s last change; redo brings it back', async () => {
    await addNode(alice, 'Scratch idea');
    await eventually(() => titles(bob)).toEqual(['Cut steel plates', 'Scratch idea', 'Weld frame']);
    // Bob changes something after Alice: the newest change on the canvas is his.
    const from = await centre(node(bob, 'Weld frame'));
    await drag(bob, from, { x: from.x - 40, y: from.y - 60 });
    const bobsMove = await position(bob, 'Weld frame');
    await eventually(() => position(alice, 'Weld frame')).toEqual(bobsMove);

    await alice.page.mouse.click((await emptySpot(alice)).x, (await emptySpot(alice)).y);
    await alice.page.keyboard.press('Control+z');
    for (const tab of [alice, bob]) await eventually(() => titles(tab)).toEqual(['Cut steel plates', 'Weld frame']);
    expect(await position(alice, 'Weld frame')).toEqual(bobsMove);
    expect(await position(bob, 'Weld frame')).toEqual(bobsMove);
    expect(await alice.page.locator('.react-flow__edge').count()).toBe(1);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-undo.png') });

    await alice.page.getByRole('button', { name: 'Redo' }).click();
    for (const tab of [alice, bob]) await eventually(() => titles(tab)).toEqual(['Cut steel plates', 'Scratch idea', 'Weld frame']);
  });

  it('a saved version previews its text and what changed since, and restores a deleted node for everyone; both lists follow live', async () => {
    await bob.page.getByRole('button', { name: 'History' }).click();
    await bob.page
      .getByText(/No versions yet|Automatic/)
      .first()
      .waitFor();
    await alice.page.getByRole('button', { name: 'History' }).click();
    await alice.page.getByLabel('Version name').fill('Before cleanup');
    await alice.page.getByRole('button', { name: 'Save version' }).click();
    // Bob's open list gets it from the document's room, without reopening.
    await bob.page.locator('.version', { hasText: 'Before cleanup' }).waitFor();
    const version = alice.page.locator('.version', { hasText: 'Before cleanup' });
    await version.getByRole('button', { name: /Before cleanup/ }).click();
    await eventually(() => version.locator('.version-text').textContent()).toContain('Weld frame → Cut steel plates');
    await version.getByText('No changes.').waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-history.png') });

    await node(alice, 'Weld frame').click();
    await alice.page.keyboard.press('Delete');
    for (const tab of [alice, bob]) {
      await eventually(() => titles(tab)).toEqual(['Cut steel plates', 'Scratch idea']);
      await eventually(() => tab.page.locator('.react-flow__edge').count()).toBe(0);
    }
    // The comparison follows the edit once it settles.
    const removed = version.locator('.version-change-removed');
    await eventually(() => removed.allTextContents()).toEqual(['Nodes removedWeld frame', 'Connections removedWeld frame → Cut steel plates']);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-history-changes.png') });

    await version.getByRole('button', { name: 'Restore this version' }).click();
    for (const tab of [alice, bob]) {
      await eventually(() => titles(tab)).toEqual(['Cut steel plates', 'Scratch idea', 'Weld frame']);
      await eventually(() => tab.page.locator('.react-flow__edge').count()).toBe(1);
    }
    await alice.page.getByText('Restored “Before cleanup”. What it replaced is saved as “Before restoring “Before cleanup””.').waitFor();
    // The server saved what the restore replaced; Bob's list shows it at once, and it holds the canvas without the node.
    const before = bob.page.locator('.version', { hasText: 'Before restoring “Before cleanup”' });
    await before.getByRole('button', { name: /Before restoring/ }).click();
    await eventually(() => before.locator('.version-change-added').allTextContents()).toEqual([
      'Nodes addedWeld frame',
      'Connections addedWeld frame → Cut steel plates',
    ]);
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'canvas-history-bob.png') });
    for (const tab of [alice, bob]) await tab.page.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('an edit made offline is kept, shown as such, and reaches the other on reconnect', async () => {
    await bob.context.setOffline(true);
    // The socket is probed when the browser goes offline and given up after the heartbeat timeout (10 s).
    await bob.page.locator('.canvas-status[data-status="offline"]', { hasText: 'Offline — edits kept' }).waitFor({ timeout: 20_000 });
    await addNode(bob, 'Paint');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'canvas-offline.png') });
    expect(await titles(alice)).toEqual(['Cut steel plates', 'Scratch idea', 'Weld frame']);
    await bob.context.setOffline(false);
    await bob.page.locator('.canvas-status[data-status="synced"]').waitFor({ timeout: 20_000 });
    await eventually(() => titles(alice), { timeout: 20_000 }).toEqual(['Cut steel plates', 'Paint', 'Scratch idea', 'Weld frame']);
  });

  it('a commenter sees the canvas read-only', async () => {
    const carol = await people.tabFor(DEMO.carol);
    await carol.page.goto(canvasUrl);
    await carol.page.getByText('You can view this canvas; your role (commenter) cannot change it.').waitFor();
    await eventually(() => titles(carol)).toEqual(['Cut steel plates', 'Paint', 'Scratch idea', 'Weld frame']);
    expect(await carol.page.getByRole('button', { name: 'Add node' }).count()).toBe(0);
    expect(await carol.page.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await carol.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    const before = await position(carol, 'Scratch idea');
    const from = await centre(node(carol, 'Scratch idea'));
    await drag(carol, from, { x: from.x + 100, y: from.y + 100 });
    expect(await position(carol, 'Scratch idea')).toEqual(before);
    await carol.page.screenshot({ path: join(RESULTS_DIR, 'canvas-read-only.png') });
    expect(carol.errors).toEqual([]);
    await carol.context.close();
  });

  it('a canvas renamed from the list and deleted from its page, after a confirmation; the other person sees both', async () => {
    const scratch = (await people.api.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Scratch board' })).body.id as string;
    await bob.page.goto(`/w/${workspaceId}/canvas/${scratch}`);
    await bob.page.getByRole('heading', { name: 'Scratch board' }).waitFor();

    await alice.page.goto(`/w/${workspaceId}/canvases`);
    await alice.page.getByRole('button', { name: 'Rename Scratch board' }).click();
    await alice.page.getByLabel('Canvas name', { exact: true }).last().fill('Paint shop plan');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-rename.png') });
    await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
    await alice.page.getByRole('link', { name: /Paint shop plan/ }).waitFor();
    await bob.page.getByRole('heading', { name: 'Paint shop plan' }).waitFor();

    await alice.page.getByRole('link', { name: /Paint shop plan/ }).click();
    await alice.page.getByRole('heading', { name: 'Paint shop plan' }).waitFor();
    // Dismissing the confirmation keeps the canvas.
    alice.page.once('dialog', (dialog) => void dialog.dismiss());
    await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect((await people.api.get(`/docs/${scratch}`)).status).toBe(200);
    let question = '';
    alice.page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
    await alice.page.getByRole('heading', { name: 'Canvases' }).waitFor();
    expect(question).toBe('Delete the canvas “Paint shop plan” for everyone, with its versions? This cannot be undone.');
    expect(await alice.page.getByRole('link', { name: /Paint shop plan/ }).count()).toBe(0);
    await bob.page.getByText('Alice Moreau deleted it.').waitFor();
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'canvas-deleted.png') });
    expect((await people.api.get(`/docs/${scratch}`)).status).toBe(404);
  });

  it('the demo canvas opens framed, with its nodes and edges', async () => {
    await alice.page.goto(`/w/${workspaceId}/canvases`);
    await alice.page.getByRole('link', { name: /Line 3 layout/ }).waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-list.png') });
    await alice.page.getByRole('link', { name: /Production flow/ }).click();
    await alice.page.getByRole('heading', { name: 'Production flow' }).waitFor();
    await eventually(() => alice.page.locator('.react-flow__node').count()).toBeGreaterThan(2);
    await eventually(() => alice.page.locator('.react-flow__edge').count()).toBeGreaterThan(1);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'canvas-demo.png') });
  });

  it('leaves no errors in either console', () => {
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
