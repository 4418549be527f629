import '../../../packages/react/test/support/dom.ts';
import { describe, expect, it } from 'vitest';
import { renderHook } from '../../../packages/react/test/support/render-hook.ts';
import { SAVED_VISIBLE_MS, type SaveStatus, useSaveStatus } from '../src/ui/use-save-status.ts';

/** A promise with its settle functions outside, to finish saves in the order a test wants. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function until(what: string, check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function render() {
  const hook = renderHook<SaveStatus>(() => useSaveStatus(), null);
  return { hook, phase: () => hook.current().state.phase, state: () => hook.current().state };
}

describe('useSaveStatus', () => {
  it('says Saving… until the last of overlapping saves is back, then Saved, which goes away after a few seconds', async () => {
    const { hook, phase } = render();
    const first = deferred();
    const second = deferred();
    const done = [hook.current().track(first.promise), hook.current().track(second.promise)];
    await until('saving', () => phase() === 'saving');
    first.resolve();
    await new Promise((r) => setTimeout(r, 30));
    expect(phase()).toBe('saving');
    second.resolve();
    expect(await Promise.all(done)).toEqual([true, true]);
    await until('saved', () => phase() === 'saved');
    expect(hook.current().state).toEqual({ phase: 'saved', message: 'Saved' });
    await until('idle again', () => phase() === 'idle', SAVED_VISIBLE_MS + 1000);
    hook.unmount();
  }, 10_000);

  it('keeps the error of a refused save shown when a save beside it succeeds', async () => {
    const { hook, state } = render();
    const refused = deferred();
    const accepted = deferred();
    const done = [hook.current().track(refused.promise), hook.current().track(accepted.promise)];
    refused.reject(new Error('A workspace needs at least one owner.'));
    accepted.resolve();
    expect(await Promise.all(done)).toEqual([false, true]);
    await until('error', () => state().phase === 'error');
    expect(state()).toEqual({ phase: 'error', message: 'A workspace needs at least one owner.' });
    hook.unmount();
  });

  it('names what was done from the save’s result, and shows a problem found before sending', async () => {
    const { hook, state } = render();
    await hook.current().track(Promise.resolve({ email: 'dana@example.com' }), (r) => `Invitation sent to ${r.email}.`);
    await until('saved', () => state().phase === 'saved');
    expect(state()).toEqual({ phase: 'saved', message: 'Invitation sent to dana@example.com.' });
    hook.current().fail('Give the site a name.');
    await until('error', () => state().phase === 'error');
    expect(state()).toEqual({ phase: 'error', message: 'Give the site a name.' });
    hook.unmount();
  });
});
