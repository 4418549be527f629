import { ROLES, type Role, roleAtLeast } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import type { Me, Member, WorkspaceSummary } from '../api/types.ts';
import { navigate } from '../router/router.ts';
import { Avatar } from '../ui/avatar.tsx';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { useInvitations, useMemberActions, useMembers } from './workspace-queries.ts';
import '../styles/invitations.css';

/** Roles a user with `mine` may hand out: admins manage everyone but owners; owners manage all. */
function assignableRoles(mine: Role): readonly Role[] {
  if (mine === 'owner') return ROLES;
  if (mine === 'admin') return ROLES.filter((r) => r !== 'owner');
  return [];
}

/**
 * Members and roles of a workspace; admins and owners invite by email (an address with an account is
 * added at once), see and revoke pending invitations, re-role and remove members.
 */
export function MembersPage({ workspace, me }: { workspace: WorkspaceSummary; me: Me }) {
  const members = useMembers(workspace.id);
  const actions = useMemberActions(workspace.id);
  // The member list is fresher than the role cached at log-in (someone may have just changed it).
  const myRole = members.data?.find((m) => m.user_id === me.user.id)?.role ?? workspace.role;
  const canManage = roleAtLeast(myRole, 'admin');
  const assignable = assignableRoles(myRole);
  const invitations = useInvitations(workspace.id, canManage);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ids = { email: useId(), role: useId() };

  const run = async (fn: () => Promise<unknown>) => {
    setActionError(null);
    setNotice(null);
    try {
      await fn();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  const invite = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    await run(async () => {
      const result = await actions.invite.mutateAsync({ email: String(form.get('email') ?? '').trim(), role: String(form.get('role') ?? 'editor') as Role });
      formEl.reset();
      setNotice(
        result.status === 'added' ? `${result.member.name} already had an account and is now a member.` : `Invitation sent to ${result.invitation.email}.`,
      );
    });
  };

  const canEdit = (m: Member) => canManage && (myRole === 'owner' || m.role !== 'owner');

  return (
    <section className="content" aria-labelledby="members-title">
      <div className="page-head">
        <h1 id="members-title">Members of {workspace.name}</h1>
        <p className="muted">Your role: {myRole}</p>
      </div>
      {canManage && (
        <form className="inline-form card" onSubmit={invite} aria-label="Invite a member">
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
          <button type="submit" className="btn btn-primary" disabled={actions.invite.isPending}>
            Invite
          </button>
        </form>
      )}
      {notice && (
        <p className="form-notice" role="status">
          {notice}
        </p>
      )}
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
      {members.isPending ? (
        <LoadingState label="Loading members" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.user_id}>
                <td>
                  <span className="member-name">
                    <Avatar name={m.name} color={m.color} size="sm" />
                    {m.name}
                    {m.user_id === me.user.id && <span className="badge">you</span>}
                  </span>
                </td>
                <td>{m.email}</td>
                <td>
                  {canEdit(m) ? (
                    <select
                      aria-label={`Role of ${m.name}`}
                      value={m.role}
                      onChange={(e) => void run(() => actions.changeRole.mutateAsync({ userId: m.user_id, role: e.target.value as Role }))}
                    >
                      {(assignable.includes(m.role) ? assignable : [m.role, ...assignable]).map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                <td className="actions">
                  {(canEdit(m) || m.user_id === me.user.id) && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-danger"
                      onClick={() => {
                        const leaving = m.user_id === me.user.id;
                        if (!window.confirm(leaving ? `Leave ${workspace.name}?` : `Remove ${m.name} from ${workspace.name}?`)) return;
                        void run(async () => {
                          await actions.remove.mutateAsync(m.user_id);
                          if (leaving) navigate('/');
                        });
                      }}
                    >
                      {m.user_id === me.user.id ? 'Leave' : 'Remove'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && invitations.data && invitations.data.length > 0 && (
        <>
          <h2 className="section-title">Pending invitations</h2>
          <table className="data-table" aria-label="Pending invitations">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Invited by</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{i.role}</td>
                  <td>{i.invited_by?.name ?? '—'}</td>
                  <td>
                    <time dateTime={i.expires_at}>{new Date(i.expires_at).toLocaleDateString()}</time>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-danger"
                      onClick={() => {
                        if (!window.confirm(`Withdraw the invitation to ${i.email}?`)) return;
                        void run(() => actions.revoke.mutateAsync(i.id));
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
