import type { Role } from '@tandem/protocol';
import { type FormEvent, useId } from 'react';
import { SaveError, SaveStatus } from '../ui/save-status.tsx';
import { useSaveStatus } from '../ui/use-save-status.ts';
import type { useMemberActions } from './workspace-queries.ts';

/** The invite-by-email form: address and role; says who was added or invited, or why not. */
export function InviteForm({ assignable, invite }: { assignable: readonly Role[]; invite: ReturnType<typeof useMemberActions>['invite'] }) {
  const ids = { email: useId(), role: useId() };
  const status = useSaveStatus();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const input = { email: String(form.get('email') ?? '').trim(), role: String(form.get('role') ?? 'editor') as Role };
    const ok = await status.track(invite.mutateAsync(input), (result) =>
      result.status === 'added' ? `${result.member.name} already had an account and is now a member.` : `Invitation sent to ${result.invitation.email}.`,
    );
    if (ok) formEl.reset();
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Invite a member">
      <label htmlFor={ids.email}>Email</label>
      <input id={ids.email} name="email" type="email" required placeholder="name@company.com" />
      <label htmlFor={ids.role}>Role</label>
      <select id={ids.role} name="role" defaultValue="editor">
        {assignable.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn-primary" disabled={invite.isPending}>
        Invite
      </button>
      <SaveStatus state={status.state} />
      <SaveError state={status.state} />
    </form>
  );
}
