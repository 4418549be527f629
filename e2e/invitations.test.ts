import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab } from './support/chromium.ts';

/** The invitation link in the `.eml` file written for `address` (quoted-printable undone). */
async function linkInOutbox(dataDir: string, address: string): Promise<string> {
  const dir = join(dataDir, 'mail');
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const mail = (await readFile(join(dir, name), 'utf8'))
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (!mail.includes(`To: ${address}`)) continue;
    const link = mail.match(/https?:\/\/\S+\/invite\/\S+/)?.[0];
    if (link) return link;
  }
  throw new Error(`no invitation email to ${address} yet`);
}

describe.runIf(chromiumAvailable())('invitations by email', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("an admin invites an address, the email's link registers a new person into the workspace with the invited role", async () => {
    const address = `dana.${Date.now()}@invited.example`;
    const alice = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await alice.page.getByRole('heading', { name: 'Northwind Fabrication' }).waitFor();
    await alice.page.getByRole('link', { name: 'Members' }).click();
    const invite = alice.page.getByRole('form', { name: 'Invite a member' });
    await invite.getByLabel('Email').fill(address);
    await invite.getByLabel('Role').selectOption('commenter');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await alice.page
      .getByRole('status')
      .filter({ hasText: `Invitation sent to ${address}.` })
      .waitFor();
    const pending = alice.page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('row').filter({ hasText: address }).filter({ hasText: 'commenter' }).waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'invitations-pending.png') });

    // The invitation is answered once its email is written.
    const link = await linkInOutbox(server.dataDir, address);
    expect(new URL(link).origin).toBe(new URL(server.url).origin);

    // A new browser context: nobody logged in, as if opened from the email.
    const dana = await openTab(browser, server.url);
    await dana.page.goto(link);
    await dana.page.getByRole('heading', { name: 'Join Northwind Fabrication' }).waitFor();
    await dana.page.getByText(`Alice Moreau invited ${address} to Northwind Fabrication as commenter.`).waitFor();
    expect(await dana.page.getByLabel('Email').inputValue()).toBe(address);
    await dana.page.getByLabel('Name').fill('Dana Invited');
    await dana.page.getByLabel('Password').fill('a long enough password');
    await dana.page.screenshot({ path: join(RESULTS_DIR, 'invitation-register.png') });
    await dana.page.getByRole('button', { name: 'Create account and join' }).click();

    await dana.page.getByRole('heading', { name: 'Northwind Fabrication' }).waitFor();
    await dana.page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(dana.page.url()).toMatch(/\/w\/[0-9a-f-]{36}$/);
    await dana.page.getByRole('link', { name: 'Members' }).click();
    await dana.page.getByRole('row').filter({ hasText: 'Dana Invited' }).filter({ hasText: 'commenter' }).waitFor();
    await dana.page.screenshot({ path: join(RESULTS_DIR, 'invitation-joined.png') });

    // The link worked once: opened again it says so.
    const again = await openTab(browser, server.url);
    await again.page.goto(link);
    await again.page.getByRole('heading', { name: 'This invitation cannot be used' }).waitFor();
    await again.page.getByText('This invitation has already been used; log in instead.').waitFor();

    // The admin's pending list no longer holds it.
    await alice.page.reload();
    await alice.page.getByRole('row').filter({ hasText: 'Dana Invited' }).waitFor();
    expect(await alice.page.getByRole('table', { name: 'Pending invitations' }).count()).toBe(0);

    expect(alice.errors).toEqual([]);
    expect(dana.errors).toEqual([]);
    for (const tab of [alice, dana, again]) await tab.context.close();
  });
});
