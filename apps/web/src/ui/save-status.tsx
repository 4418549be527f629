import type { SaveState } from './use-save-status.ts';

/**
 * The confirmation beside a save button or a section title: "Saving…", then "Saved" fading away.
 * The live region is always rendered, so screen readers announce each change of its text.
 * An error is not shown here but by {@link SaveError}, where the reader is looking.
 */
export function SaveStatus({ state }: { state: SaveState }) {
  const text = state.phase === 'saving' ? 'Saving…' : state.phase === 'saved' ? state.message : '';
  return (
    <span className="save-status" role="status" data-phase={state.phase}>
      {text && state.phase === 'saved' && <span className="save-status-tick" aria-hidden="true" />}
      {text}
    </span>
  );
}

/** The server's (or the form's) reason a save failed, shown in place until the next save. */
export function SaveError({ state }: { state: SaveState }) {
  if (state.phase !== 'error') return null;
  return (
    <p className="form-error" role="alert">
      {state.message}
    </p>
  );
}
