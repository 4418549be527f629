import { Window } from 'happy-dom';

/**
 * A real DOM (happy-dom) installed as the `window` and `document` globals of a Node test.
 *
 * Hook tests run the real server in the same process, so they cannot use vitest's happy-dom
 * environment (it gives modules non-file `import.meta.url`s and a browser `fetch`). Import this
 * module first in a test file: react-dom checks for a DOM when it is loaded.
 */
export const domWindow = new Window({ url: 'http://127.0.0.1/' });

const globals = globalThis as Record<string, unknown>;
globals.window = domWindow;
globals.document = domWindow.document;
// Node 20 has no `navigator`; react-dom reads it when loaded.
if (globals.navigator === undefined) globals.navigator = domWindow.navigator;
