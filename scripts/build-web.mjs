// Builds the web app when its sources are newer than the last build, so `npm start` always serves
// the current app without rebuilding on every start.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../apps/web/', import.meta.url).pathname;
const dist = join(root, 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = [
  root,
  new URL('../packages/client/src', import.meta.url).pathname,
  new URL('../packages/react/src', import.meta.url).pathname,
  new URL('../packages/protocol/src', import.meta.url).pathname,
];
if (!existsSync(join(root, 'index.html'))) process.exit(0);
const built = existsSync(dist) ? statSync(dist).mtimeMs : 0;
if (built > 0 && sources.every((s) => !existsSync(s) || newest(s) <= built) && !process.env.FORCE_WEB_BUILD) process.exit(0);
console.log('Building the web app…');
execFileSync(process.execPath, [join(root, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
