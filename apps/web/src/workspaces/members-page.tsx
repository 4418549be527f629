import { ROLES, type Role, roleAtLeast } from '@tandem/protocol';
import type { Me, Member, WorkspaceSummary } from '../api/types.ts';
import { navigate } from '../router/router.ts';
import { Avatar } from '../ui/avatar.tsx';
import { SettingsPage, SettingsSection } from '../ui/settings-section.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { usePendingValues } from '../ui/use-pending-values.ts';
import { useSaveStatus } from '../ui/use-save-status.ts';
import { InviteForm } from './invite-form.tsx';
import { useInvitations, useMemberActions, useMembers } from './workspace-queries.ts';

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
  const status = { members: useSaveStatus(), invitations: useSaveStatus() };
  const roles = usePendingValues<Role>();

  const canEdit = (m: Member) => canManage && (myRole === 'owner' || m.role !== 'owner');

  return (
    <SettingsPage title={`Members of ${workspace.name}`} titleId="members-title" description={`Your role: ${myRole}`}>
      {canManage && (
        <SettingsSection
          title="Invite someone"
          description="An address that already has an account joins at once; anyone else gets an email with a link to join."
        >
          <InviteForm assignable={assignable} invite={actions.invite} />
        </SettingsSection>
      )}
      <SettingsSection
        title="Members"
        description={canManage ? 'A new role applies at once, also on the pages the member has open.' : 'Owners and admins change roles.'}
        status={status.members.state}
      >
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
                        value={roles.show(m.user_id, m.role)}
                        onChange={(e) => {
                          const role = e.target.value as Role;
                          void roles.during(m.user_id, role, status.members.track(actions.changeRole.mutateAsync({ userId: m.user_id, role })));
                        }}
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
                          void status.members
                            .track(actions.remove.mutateAsync(m.user_id), () => `${m.name} removed`)
                            .then((ok) => {
                              if (ok && leaving) navigate('/');
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
      </SettingsSection>
      {canManage && invitations.data && invitations.data.length > 0 && (
        <SettingsSection title="Pending invitations" description="Each link works once, until the date shown." status={status.invitations.state}>
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
                        void status.invitations.track(actions.revoke.mutateAsync(i.id), () => 'Invitation withdrawn');
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </SettingsSection>
      )}
    </SettingsPage>
  );
}
