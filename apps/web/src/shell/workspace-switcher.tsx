import { useId } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { navigate } from '../router/router.ts';

const NEW = '__new__';

/** A labelled select of the user's workspaces; choosing one opens it. */
export function WorkspaceSwitcher({ workspaces, current }: { workspaces: readonly WorkspaceSummary[]; current: WorkspaceSummary | null }) {
  const id = useId();
  if (workspaces.length === 0) return null;
  return (
    <div className="switcher">
      <label htmlFor={id} className="visually-hidden">
        Workspace
      </label>
      <select
        id={id}
        value={current?.id ?? ''}
        onChange={(e) => {
          if (e.target.value === NEW) navigate('/new-workspace');
          else if (e.target.value) navigate(`/w/${e.target.value}`);
        }}
      >
        {!current && <option value="">Choose a workspace…</option>}
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
        <option value={NEW}>+ New workspace…</option>
      </select>
    </div>
  );
}
