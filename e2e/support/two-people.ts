import type { Browser } from 'playwright-core';
import type { ApiClient } from '../../packages/server/test/support/http-client.ts';
import type { TestServer } from '../../packages/server/test/support/server.ts';
import { apiAs } from './api.ts';
import { buildWebApp, DEMO, startAppServer } from './app-server.ts';
import { launchChromium, logIn, openTab, type UserTab } from './chromium.ts';

/** A real server with the demo workspace, Chromium, and Alice (owner) and Bob (editor) logged in, each in a tab of their own. */
export interface TwoPeople {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Alice over HTTP, for setting up data around the browser steps. */
  readonly api: ApiClient;
  /** The demo workspace. */
  readonly workspaceId: string;
  readonly alice: UserTab;
  readonly bob: UserTab;
  /** Opens one more logged-in tab, e.g. for Carol (a commenter in the demo workspace). */
  tabFor(email: string): Promise<UserTab>;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/** How long {@link startTwoPeople} may take: migrations, demo data, a build and two log-ins take minutes on a busy two-core machine. */
export const TWO_PEOPLE_STARTUP_MS = 240_000;

/** Builds the web app when its sources changed, starts the server and logs Alice and Bob in (a browser test's `beforeAll`). */
export async function startTwoPeople(): Promise<TwoPeople> {
  buildWebApp();
  const server = await startAppServer();
  const browser = await launchChromium();
  const api = await apiAs(server.url, DEMO.alice, DEMO.password);
  const workspaceId = (await api.get('/me')).body.workspaces[0].id as string;
  const tabFor = async (email: string) => {
    const tab = await openTab(browser, server.url);
    await logIn(tab, email, DEMO.password);
    return tab;
  };
  const [alice, bob] = await Promise.all([tabFor(DEMO.alice), tabFor(DEMO.bob)]);
  return {
    server,
    browser,
    api,
    workspaceId,
    alice,
    bob,
    tabFor,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
