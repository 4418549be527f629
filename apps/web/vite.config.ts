import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from '../../scripts/vite-precompress.ts';

/**
 * Builds the single-page app into `dist/`, which the server serves at `/`.
 * In development (`npx vite` in apps/web) API and WebSocket calls are proxied to a server on
 * port 3000 so the browser still talks to one origin (the session cookie is same-origin only).
 * Every JS, CSS and HTML file is also written brotli- and gzip-compressed for the server to send as is.
 */
export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
