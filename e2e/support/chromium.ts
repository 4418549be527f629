import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, installed by apt (never downloaded by Playwright). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run. Without Chromium they are skipped loudly, except under
 * `CI=true`, where a missing browser is a failure (the suite must not pass by doing nothing).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM_PATH}; .ci/run installs it with apt.`);
  console.warn(`\n  !! SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)\n`);
  return false;
}

/** Launches headless Chromium with the flags that keep it quiet and light on a small machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser tab of one user, collecting console errors so tests can assert there are none. */
export interface UserTab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
}

/**
 * Opens a fresh context (own cookies) and page. `ignoreErrors` lists substrings of console
 * errors that a test provokes on purpose (e.g. a failed request while the server is down).
 */
export async function openTab(browser: Browser, baseUrl: string): Promise<UserTab> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url;
    // Asking "who am I?" while signed out answers 401 by design; the browser logs every non-2xx.
    if (url.endsWith('/api/v1/me') && msg.text().includes('401')) return;
    errors.push(`${msg.text()} ${url}`);
  });
  page.on('pageerror', (err) => errors.push(err.message));
  page.setDefaultTimeout(10_000);
  return { context, page, errors };
}

/** Logs in through the sign-in form and waits for the app shell. */
export async function logIn(tab: UserTab, email: string, password: string): Promise<void> {
  const { page } = tab;
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
