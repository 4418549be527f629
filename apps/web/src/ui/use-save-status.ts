import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './states.tsx';

/** How long "Saved" stays on screen after the last save finished, in milliseconds. */
export const SAVED_VISIBLE_MS = 3000;

/** Where a form's saves stand: nothing to say, on their way, done, or refused (with the reason). */
export type SaveState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'saving' }
  | { readonly phase: 'saved'; readonly message: string }
  | { readonly phase: 'error'; readonly message: string };

/** A form's save state and the functions that move it. */
export interface SaveStatus {
  readonly state: SaveState;
  /**
   * Follows a save: "Saving…" while it runs, then `savedMessage` (default "Saved"; a function
   * of the save's result for a message that names what was done) for
   * {@link SAVED_VISIBLE_MS}, or the server's error until the next save. Resolves to whether it
   * succeeded; it never rejects, so callers need no catch of their own.
   */
  readonly track: <T>(save: Promise<T>, savedMessage?: string | ((result: T) => string)) => Promise<boolean>;
  /** Shows a problem found before anything was sent (e.g. a required field left empty). */
  readonly fail: (message: string) => void;
}

/**
 * The save state of one form or settings section. Saves that overlap (several checkboxes ticked
 * quickly) show "Saving…" until the last one is back; an error in any of them stays shown.
 */
export function useSaveStatus(): SaveStatus {
  const [state, setState] = useState<SaveState>({ phase: 'idle' });
  const pending = useRef(0);
  const failed = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const clearTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => clearTimer, []);

  const track = useCallback(async <T>(save: Promise<T>, savedMessage: string | ((result: T) => string) = 'Saved') => {
    clearTimer();
    if (pending.current === 0) failed.current = false;
    pending.current++;
    setState({ phase: 'saving' });
    let ok = true;
    let message = typeof savedMessage === 'string' ? savedMessage : 'Saved';
    try {
      const result = await save;
      if (typeof savedMessage === 'function') message = savedMessage(result);
    } catch (err) {
      ok = false;
      failed.current = true;
      setState({ phase: 'error', message: errorMessage(err) });
    }
    pending.current--;
    if (pending.current === 0 && !failed.current) {
      setState({ phase: 'saved', message });
      timer.current = setTimeout(() => setState({ phase: 'idle' }), SAVED_VISIBLE_MS);
    }
    return ok;
  }, []);

  const fail = useCallback((message: string) => {
    clearTimer();
    setState({ phase: 'error', message });
  }, []);

  return { state, track, fail };
}
