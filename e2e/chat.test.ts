import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

describe.runIf(chromiumAvailable())('two people in a direct message', () => {
  let dataDir: string;
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let workspaceId: string;
  let roomId: string;
  let alice: UserTab;
  let bob: UserTab;

  const room = (tab: UserTab) => tab.page.locator('section.chat-room');
  const message = (tab: UserTab, text: string) => room(tab).locator('.chat-message').filter({ hasText: text }).first();

  beforeAll(async () => {
    buildWebApp();
    dataDir = await mkdtemp(join(tmpdir(), 'tandem-e2e-chat-'));
    server = await startAppServer({ dataDir, keep: true });
    browser = await launchChromium();
    api = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await api.get('/me')).body.workspaces[0].id;
    const rooms = (await api.get(`/chat/rooms?workspace_id=${workspaceId}`)).body.rooms as { id: string; kind: string }[];
    roomId = rooms.find((r) => r.kind === 'dm')?.id ?? '';
    alice = await openTab(browser, server.url);
    bob = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await logIn(bob, DEMO.bob, DEMO.password);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('Bob sees the unread DM in his room list and the navigation, and opening it clears the badge', async () => {
    await bob.page.goto(`/w/${workspaceId}/chat`);
    const link = bob.page.locator('.chat-room-link').filter({ hasText: 'Alice Moreau' });
    await eventually(() => link.locator('.chat-unread').textContent()).toContain('2');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'chat-room-list.png') });
    await link.click();
    await message(bob, 'torque spec').waitFor();
    await eventually(() => link.locator('.chat-unread').count()).toBe(0);
    await alice.page.goto(`/w/${workspaceId}/chat/${roomId}`);
    await message(alice, 'torque spec').waitFor();
  });

  it('Alice’s typing shows on Bob’s side, then her message arrives live', async () => {
    const composer = alice.page.getByPlaceholder('Message Bob Okafor');
    await composer.click();
    await composer.pressSequentially('Numbers are', { delay: 30 });
    await bob.page.getByText('Alice Moreau is typing…').waitFor();
    await composer.pressSequentially(' in: 42 Nm **exactly**');
    await composer.press('Enter');
    await message(bob, 'Numbers are in: 42 Nm').waitFor();
    expect(await message(bob, 'Numbers are in').locator('strong').textContent()).toBe('exactly');
    await eventually(() => bob.page.getByText('Alice Moreau is typing…').count()).toBe(0);
  });

  it('Bob reacts and Alice sees the reaction; Alice sees that Bob has seen her message', async () => {
    const mine = message(bob, 'Numbers are in');
    await mine.hover();
    await mine.getByLabel('Add reaction').click();
    await bob.page.locator('.reaction-pick').first().click();
    await message(alice, 'Numbers are in').locator('.chat-reaction').waitFor();
    await alice.page.locator('.seen-by').waitFor();
    expect(await alice.page.locator('.seen-by').getAttribute('title')).toBe('Seen by Bob Okafor');
  });

  it('Bob replies in a thread and Alice sees the reply count and the reply', async () => {
    const target = message(bob, 'Numbers are in');
    await target.hover();
    await target.getByLabel('Reply in thread').click();
    const thread = bob.page.getByRole('complementary', { name: 'Thread' });
    await thread.getByPlaceholder('Reply in thread').fill('Thanks, that is within spec.');
    await thread.getByPlaceholder('Reply in thread').press('Enter');
    await thread.getByText('Thanks, that is within spec.').waitFor();
    const link = message(alice, 'Numbers are in').locator('.chat-thread-link');
    await eventually(() => link.textContent()).toContain('1 reply');
    await link.click();
    const aliceThread = alice.page.getByRole('complementary', { name: 'Thread' });
    await aliceThread.getByText('Thanks, that is within spec.').waitFor();
    // Typing in the thread shows in the thread panel, not under the room's messages.
    // (Past the server's one-per-second typing throttle of Bob's reply just before.)
    await bob.page.waitForTimeout(1_100);
    await thread.getByPlaceholder('Reply in thread').pressSequentially('One more');
    await aliceThread.locator('.chat-typing', { hasText: 'Bob Okafor is typing…' }).waitFor();
    expect(await alice.page.locator('.chat-room-main > .chat-typing').filter({ hasText: 'typing' }).count()).toBe(0);
    // The replier's own room list counts the reply once, too.
    expect(await message(bob, 'Numbers are in').locator('.chat-thread-link').textContent()).toContain('1 reply');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'chat-thread.png') });
  });

  it('Alice attaches an image; it uploads and shows as a preview for Bob', async () => {
    const png = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#2f6fdf' } })
      .png()
      .toBuffer();
    await alice.page.locator('.chat-room-main').getByLabel('Attach files').setInputFiles({ name: 'fixture.png', mimeType: 'image/png', buffer: png });
    const composer = alice.page.getByPlaceholder('Message Bob Okafor');
    await composer.fill('Photo of the fixture');
    const main = alice.page.locator('.chat-room-main');
    await eventually(() => main.locator('.chat-uploads li').first().textContent()).toContain('fixture.png');
    await eventually(() => main.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    expect(await main.locator('.chat-uploads .error-text').count()).toBe(0);
    await composer.press('Enter');
    const preview = message(bob, 'Photo of the fixture').locator('.chat-image img');
    await preview.waitFor();
    await eventually(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'chat-dm-alice.png') });
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'chat-dm-bob.png') });
  });

  it('search finds a message with its words highlighted and opens it in its room', async () => {
    await alice.page.getByLabel('Search messages').fill('torque');
    const hit = alice.page.locator('.chat-search-hit').first();
    await hit.waitFor();
    expect(await hit.locator('mark').first().textContent()).toMatch(/torque/i);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'chat-search.png') });
    await hit.click();
    await alice.page.waitForURL(/message=/);
    await message(alice, 'torque spec').waitFor();
  });
});
