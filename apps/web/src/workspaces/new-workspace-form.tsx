import { type FormEvent, useId } from 'react';
import { navigate } from '../router/router.ts';
import { errorMessage } from '../ui/states.tsx';
import { useCreateWorkspace } from './workspace-queries.ts';

/** A one-field form that creates a workspace and opens it. */
export function NewWorkspaceForm() {
  const create = useCreateWorkspace();
  const id = useId();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    const workspace = await create.mutateAsync(name).catch(() => null);
    if (workspace) navigate(`/w/${workspace.id}`);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>New workspace name</label>
      <input id={id} name="name" required maxLength={100} placeholder="e.g. Plant operations" />
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        Create workspace
      </button>
      {create.isError && (
        <p className="form-error" role="alert">
          {errorMessage(create.error)}
        </p>
      )}
    </form>
  );
}
