import type { DocumentInfo } from '@tandem/protocol';
import { type FormEvent, useId } from 'react';
import { errorMessage } from '../ui/states.tsx';
import { useDeleteCanvas, useRenameCanvas } from './canvas-queries.ts';

/** The name of a canvas in an input, saved on Enter or Save, dropped on Escape or Cancel. */
export function RenameCanvasForm({ canvas, onDone }: { canvas: DocumentInfo; onDone: () => void }) {
  const rename = useRenameCanvas(canvas.workspace_id);
  const id = useId();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name || name === canvas.name) return onDone();
    const renamed = await rename.mutateAsync({ id: canvas.id, name }).catch(() => null);
    if (renamed) onDone();
  };
  return (
    <form className="canvas-rename" onSubmit={submit} aria-label={`Rename ${canvas.name}`}>
      <label htmlFor={id} className="visually-hidden">
        Canvas name
      </label>
      <input
        id={id}
        name="name"
        required
        maxLength={200}
        defaultValue={canvas.name}
        // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked to rename; the name is what they type next.
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.stopPropagation();
          onDone();
        }}
      />
      <button type="submit" className="btn btn-primary btn-small" disabled={rename.isPending}>
        Save
      </button>
      <button type="button" className="btn btn-ghost btn-small" onClick={onDone}>
        Cancel
      </button>
      {rename.isError && (
        <p className="form-error" role="alert">
          {errorMessage(rename.error)}
        </p>
      )}
    </form>
  );
}

/** Deletes a canvas after the user confirms; resolves true once it is gone. */
export function useDeleteCanvasConfirmed(workspaceId: string) {
  const remove = useDeleteCanvas(workspaceId);
  const run = async (canvas: DocumentInfo): Promise<boolean> => {
    if (!window.confirm(`Delete the canvas “${canvas.name}” for everyone, with its versions? This cannot be undone.`)) return false;
    return remove.mutateAsync(canvas.id).then(
      () => true,
      () => false,
    );
  };
  return { run, pending: remove.isPending, error: remove.error };
}
