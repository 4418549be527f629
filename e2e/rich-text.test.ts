import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import { createTable } from './support/api.ts';
import { DEMO, RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

describe.runIf(chromiumAvailable())('a rich text field written by two people at once in the record drawer', () => {
  let people: TwoPeople;
  let api: ApiClient;
  let workspaceId: string;
  let tableId: string;
  let recordId: string;
  let notesFieldId: string;
  let alice: UserTab;
  let bob: UserTab;

  const editor = (tab: UserTab) => tab.page.getByRole('textbox', { name: 'Notes' });
  /** The editor's blocks as lines, without the caret labels drawn into the text. */
  const text = (tab: UserTab) =>
    editor(tab).evaluate((el) => {
      // The DOM as far as this needs it (e2e code is compiled without the DOM library).
      interface Block {
        readonly textContent: string | null;
        readonly children: ArrayLike<Block>;
        cloneNode(deep: true): Block;
        querySelectorAll(selector: string): ArrayLike<{ remove(): void }>;
      }
      const copy = (el as unknown as Block).cloneNode(true);
      for (const caret of Array.from(copy.querySelectorAll('.collaboration-carets__caret'))) caret.remove();
      return Array.from(copy.children, (block) => block.textContent).join('\n');
    });
  const synced = (tab: UserTab) => tab.page.locator('.rich-text-status[data-status="synced"]').waitFor();
  const caretLabel = (tab: UserTab, name: string) => tab.page.locator('.collaboration-carets__label', { hasText: name });
  const notesValue = async () => (await api.get(`/records/${recordId}`)).body.values[notesFieldId] as string | undefined;
  /**
   * Yjs groups typing by pauses, so a slow machine splits one burst into several undo steps. The
   * editor's own buttons, not the grid's Undo and Redo behind the drawer.
   */
  const pressUntilDisabled = async (tab: UserTab, name: 'Undo' | 'Redo') => {
    const button = tab.page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name, exact: true });
    for (let i = 0; i < 40 && (await button.isEnabled()); i++) await button.click();
    expect(await button.isEnabled()).toBe(false);
  };
  const openRecord = async (tab: UserTab) => {
    await tab.page.goto(`/w/${workspaceId}/t/${tableId}?view=all&record=${recordId}`);
    await tab.page.getByRole('heading', { name: 'Pump housing review' }).waitFor();
    await synced(tab);
  };

  beforeAll(async () => {
    people = await startTwoPeople();
    ({ api, workspaceId, alice, bob } = people);
    const table = await createTable(api, workspaceId, 'Design reviews', [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'rich_text' },
    ]);
    tableId = table.id;
    notesFieldId = table.fields.Notes?.id ?? '';
    recordId = (await api.post(`/tables/${tableId}/records`, { values: { [table.fields.Title?.id ?? '']: 'Pump housing review' } })).body.id;
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await people?.close();
  });

  it('each sees the other’s text and named caret, and undo takes back only the undoer’s own typing', async () => {
    await openRecord(alice);
    await openRecord(bob);

    await editor(alice).click();
    await editor(alice).pressSequentially('Agenda from Alice');
    await eventually(() => text(bob)).toContain('Agenda from Alice');

    await editor(bob).click();
    await bob.page.keyboard.press('Control+End');
    await bob.page.keyboard.press('Enter');
    await eventually(() => editor(alice).locator('p').count()).toBe(2);
    // Both type at the same moment, each in their own paragraph.
    await Promise.all([editor(alice).pressSequentially(' and the budget', { delay: 40 }), editor(bob).pressSequentially('Notes from Bob', { delay: 40 })]);
    for (const tab of [alice, bob]) {
      await eventually(() => text(tab)).toBe('Agenda from Alice and the budget\nNotes from Bob');
    }
    await caretLabel(alice, 'Bob Okafor').waitFor();
    await caretLabel(bob, 'Alice Moreau').waitFor();
    await alice.page.getByText('Also here:').waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-alice.png') });
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-bob.png') });

    // Bob undoes everything he can: only his paragraph goes, Alice's typing in the same moments stays.
    await pressUntilDisabled(bob, 'Undo');
    for (const tab of [alice, bob]) {
      await eventually(() => text(tab)).toBe('Agenda from Alice and the budget');
    }
    await pressUntilDisabled(bob, 'Redo');
    await eventually(() => text(alice)).toBe('Agenda from Alice and the budget\nNotes from Bob');
    await pressUntilDisabled(bob, 'Undo');
    await eventually(() => text(alice)).toBe('Agenda from Alice and the budget');

    // The server writes the plain rendering into the record once edits settle; the grid shows it.
    await eventually(notesValue, { timeout: 10_000 }).toBe('Agenda from Alice and the budget');
    const cell = alice.page.locator(`[data-record-id="${recordId}"] [role=gridcell][data-field-id="${notesFieldId}"]`);
    await eventually(() => cell.textContent()).toContain('Agenda from Alice and the budget');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('a commenter reads the text and the carets but cannot change it', async () => {
    const carol = await people.tabFor(DEMO.carol);
    await openRecord(carol);
    await eventually(() => text(carol)).toContain('Agenda from Alice and the budget');
    expect(await editor(carol).getAttribute('contenteditable')).toBe('false');
    expect(await editor(carol).getAttribute('aria-readonly')).toBe('true');
    expect(await carol.page.getByRole('toolbar', { name: 'Formatting' }).count()).toBe(0);
    await carol.page.getByText('Read only', { exact: true }).waitFor();

    await editor(carol).click();
    await carol.page.keyboard.type('Carol was here');
    await editor(alice).click();
    await alice.page.keyboard.press('Control+End');
    await caretLabel(carol, 'Alice Moreau').waitFor();
    await carol.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-carol.png') });
    expect(await text(carol)).not.toContain('Carol was here');
    expect(await text(alice)).not.toContain('Carol was here');
    expect(await notesValue()).not.toContain('Carol');
    expect(carol.errors).toEqual([]);
    const carolHere = alice.page.locator('.rich-text-collaborator', { hasText: 'Carol Lindqvist' });
    await carolHere.waitFor();
    await carol.context.close();
    // She leaves with her connection, not only once her awareness times out (30 s).
    await eventually(() => carolHere.count(), { timeout: 5_000 }).toBe(0);
    expect(await caretLabel(alice, 'Carol Lindqvist').count()).toBe(0);
  });

  it('a saved version shows who changed the text since and the words changed, restores it for everyone, and both lists follow live', async () => {
    await bob.page.getByRole('button', { name: 'Versions' }).click();
    await alice.page.getByRole('button', { name: 'Versions' }).click();
    await alice.page.getByPlaceholder(/Version name/).fill('Before review');
    await alice.page.getByRole('button', { name: 'Save version' }).click();
    const saved = alice.page.locator('.version', { hasText: /^Before review/ });
    await saved.getByText('No changes since').waitFor();
    // Bob's open list gets it from the document's room.
    await bob.page.locator('.version', { hasText: /^Before review/ }).waitFor();

    await editor(bob).click();
    await bob.page.keyboard.press('Control+End');
    await editor(bob).pressSequentially(' — pressure test added');
    await eventually(() => text(alice)).toContain('pressure test added');

    // The open list follows the edit once it pauses, without reopening.
    await saved.getByText('Changed since by Bob Okafor').waitFor();
    await saved.getByRole('button', { name: /Before review/ }).click();
    await saved.locator('.version-text').getByText('Agenda from Alice and the budget').waitFor();
    expect(await saved.locator('.version-text').textContent()).not.toContain('pressure test');
    expect((await saved.locator('.version-diff ins').allTextContents()).join('')).toContain('pressure test added');
    expect(await saved.locator('.version-diff del').count()).toBe(0);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-versions.png') });

    await saved.getByRole('button', { name: 'Restore this version' }).click();
    for (const tab of [alice, bob]) await eventually(() => text(tab)).not.toContain('pressure test added');
    expect(await text(bob)).toContain('Agenda from Alice and the budget');
    await alice.page.getByText('Restored “Before review”. What it replaced is saved as “Before restoring “Before review””.').waitFor();
    // The server saved what the restore replaced, and Bob's open list shows it at once: the restore is one restore away from undone.
    const before = bob.page.locator('.version', { hasText: 'Before restoring “Before review”' });
    await before.getByRole('button', { name: /Before restoring/ }).click();
    await before.locator('.version-text').getByText('pressure test added').waitFor();
    expect((await before.locator('.version-diff del').allTextContents()).join('')).toContain('pressure test added');
    await eventually(notesValue, { timeout: 10_000 }).not.toContain('pressure test');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-restored.png') });
    for (const tab of [alice, bob]) await tab.page.getByRole('button', { name: 'Close', exact: true }).click();
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
  it('text typed offline is kept, shown as such, and reaches the other on reconnect', async () => {
    await bob.context.setOffline(true);
    // The socket is probed when the browser goes offline and given up after the heartbeat timeout (10 s).
    await bob.page.locator('.rich-text-status[data-status="offline"]', { hasText: 'Offline — edits kept' }).waitFor({ timeout: 20_000 });
    await editor(bob).click();
    await bob.page.keyboard.press('Control+End');
    await bob.page.keyboard.press('Enter');
    await editor(bob).pressSequentially('Written on the shop floor');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-offline.png') });
    expect(await text(alice)).not.toContain('shop floor');
    await bob.context.setOffline(false);
    await synced(bob);
    await eventually(() => text(alice), { timeout: 20_000 }).toBe('Agenda from Alice and the budget\nWritten on the shop floor');
    expect(bob.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  it('Escape leaves the editor first and only a second one closes the drawer', async () => {
    await openRecord(alice);
    await editor(alice).click();
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('heading', { name: 'Pump housing review' }).waitFor();
    // Focus moved from the text to the editor's frame, still inside the drawer.
    expect(await alice.page.locator('.rich-text-content:focus').count()).toBe(0);
    expect(await alice.page.locator('.rich-text-editor:focus').count()).toBe(1);
    await alice.page.keyboard.press('Escape');
    await eventually(() => alice.page.getByRole('heading', { name: 'Pump housing review' }).count()).toBe(0);
  });

  it('the other person’s caret label stays inside the editor at the end of a line', async () => {
    await openRecord(alice);
    await openRecord(bob);
    await editor(bob).click();
    await bob.page.keyboard.press('Control+End');
    await bob.page.keyboard.press('Enter');
    // One long token typed until Bob's caret, at its end, is within a few characters of the right edge.
    const gapToEdge = () =>
      bob.page.evaluate(`(() => {
        const caret = getSelection().getRangeAt(0).getBoundingClientRect();
        const area = document.querySelector('.rich-text-content');
        return area.getBoundingClientRect().left + area.clientLeft + area.clientWidth - caret.right;
      })()`) as Promise<number>;
    await editor(bob).pressSequentially('PH2207A'.repeat(4));
    for (let i = 0; i < 120 && (await gapToEdge()) > 30; i++) await bob.page.keyboard.type('X');
    expect(await gapToEdge()).toBeLessThanOrEqual(30);
    const label = caretLabel(alice, 'Bob Okafor');
    await label.waitFor();
    const area = await editor(alice).boundingBox();
    if (!area) throw new Error('no editor');
    const right = area.x + area.width;
    await eventually(async () => {
      const [caret, box] = await Promise.all([label.locator('..').boundingBox(), label.boundingBox()]);
      if (!caret || !box) return null;
      // Drawn rightwards from the caret it would run past the edge; it is drawn inside instead.
      return { wouldOverflow: caret.x + box.width > right, inside: box.x >= area.x && box.x + box.width <= right };
    }).toEqual({ wouldOverflow: true, inside: true });
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'rich-text-caret-edge.png') });
    expect(alice.errors).toEqual([]);
  });
});
