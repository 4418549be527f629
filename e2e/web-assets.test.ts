import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { buildWebApp, DEMO, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab } from './support/chromium.ts';

const DIST = fileURLToPath(new URL('../apps/web/dist/', import.meta.url));
/** Gzipped JavaScript (KiB, gzip -9) the grid page loaded before the pages and editors were split: 420,090 bytes (docs/benchmarks.md). */
const GRID_JS_BEFORE_KB = 410;

/** The hashed JS and CSS files `index.html` loads. */
function entryAssets(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
}

describe('the built web app is served compressed and cached by content hash', () => {
  let server: TestServer;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
  }, 180_000);
  afterAll(async () => server?.close());

  it('hashed JS and CSS come precompressed (brotli, else gzip) with a year of immutable caching', async () => {
    const assets = entryAssets();
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const raw = readFileSync(join(DIST, asset));
      for (const [accept, encoding] of [
        ['br, gzip, deflate', 'br'],
        ['gzip, deflate', 'gzip'],
      ] as const) {
        const res = await fetch(server.url + asset, { headers: { 'accept-encoding': accept } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-encoding')).toBe(encoding);
        expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(res.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
        // fetch decodes the body: what arrives is the file itself.
        expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
        expect(Number(res.headers.get('content-length'))).toBeLessThan(raw.length);
      }
      const identity = await fetch(server.url + asset, { headers: { 'accept-encoding': 'identity' } });
      expect(identity.headers.get('content-encoding')).toBeNull();
      expect(Number(identity.headers.get('content-length'))).toBe(raw.length);
    }
  });

  it('index.html, for / and for app routes alike, is revalidated on every load', async () => {
    for (const path of ['/', '/index.html', '/w/some-workspace/t/some-table']) {
      const res = await fetch(server.url + path, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  describe.runIf(chromiumAvailable())('in a browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => browser?.close());

    it('the grid page loads neither the rich text editor nor the canvas, and less JavaScript than before the split', async () => {
      const tab = await openTab(browser, server.url);
      const scripts = new Set<string>();
      tab.page.on('response', (res) => {
        const path = new URL(res.url()).pathname;
        if (path.startsWith('/assets/') && path.endsWith('.js')) scripts.add(path);
      });
      await logIn(tab, DEMO.alice, DEMO.password);
      await tab.page.locator('.table-card').first().click();
      await tab.page.locator('[role=row][data-record-id]').first().waitFor();
      await tab.page.waitForLoadState('networkidle');

      const files = [...scripts];
      expect(files.some((f) => /rich-text-editor|canvas-page|chat-page|operations-page/.test(f))).toBe(false);
      const gzipKb = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0) / 1024;
      const rawKb = files.reduce((sum, f) => sum + readFileSync(join(DIST, f)).length, 0) / 1024;
      console.log(`grid page JavaScript: ${files.length} files, ${rawKb.toFixed(1)} KB, ${gzipKb.toFixed(1)} KB gzipped`);
      expect(gzipKb).toBeLessThan(GRID_JS_BEFORE_KB);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    });
  });
});
