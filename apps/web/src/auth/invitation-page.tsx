import type { InvitationPreview, MemberInfo, UserInfo } from '@tandem/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { api } from '../api/http.ts';
import { ME_KEY, useLogIn } from '../api/session.ts';
import type { Me } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import '../styles/invitations.css';

/**
 * Where the link of an invitation email lands (`/invite/{token}`). Signed out: create the account
 * for the invited address, then straight into the workspace. Signed in with that address (who
 * registered meanwhile): join with one click.
 */
export function InvitationPage({ token, me }: { token: string; me: Me | null }) {
  // Once used, the link would answer "used": logging in clears the cache, which must not ask again.
  const [entering, setEntering] = useState(false);
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get<InvitationPreview>(`/invitations/${encodeURIComponent(token)}`),
    retry: false,
    enabled: !entering,
  });
  const logIn = useLogIn();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { email: useId(), name: useId(), password: useId(), error: useId() };

  const enter = async (workspaceId: string, work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      navigate(`/w/${workspaceId}`, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const register = (invitation: InvitationPreview) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    await enter(invitation.workspace.id, async () => {
      await api.post<{ user: UserInfo; member: MemberInfo }>(`/invitations/${encodeURIComponent(token)}/register`, {
        name: String(form.get('name') ?? ''),
        password,
      });
      setEntering(true);
      await logIn(invitation.email, password);
    });
  };

  const accept = (invitation: InvitationPreview) =>
    enter(invitation.workspace.id, async () => {
      await api.post(`/invitations/${encodeURIComponent(token)}/accept`);
      await client.invalidateQueries({ queryKey: ME_KEY });
    });

  let body: ReactNode;
  if (preview.isPending) body = <LoadingState label="Opening the invitation" />;
  else if (preview.isError)
    body = (
      <>
        <h2>This invitation cannot be used</h2>
        <ErrorState error={preview.error} />
        <p className="auth-switch">
          <Link href={me ? '/' : '/login'}>{me ? 'Go to your workspaces' : 'Log in'}</Link>
        </p>
      </>
    );
  else {
    const invitation = preview.data;
    const summary = (
      <p className="invitation-summary">
        {invitation.invited_by ?? 'A workspace admin'} invited <strong>{invitation.email}</strong> to <strong>{invitation.workspace.name}</strong> as{' '}
        {invitation.role}.
      </p>
    );
    const errorLine = error && (
      <p id={ids.error} className="form-error" role="alert">
        {error}
      </p>
    );
    if (me) {
      const mine = me.user.email.toLowerCase() === invitation.email.toLowerCase();
      body = (
        <>
          <h2>Join {invitation.workspace.name}</h2>
          {summary}
          {mine ? (
            <button type="button" className="btn btn-primary btn-block" disabled={busy} onClick={() => void accept(invitation)}>
              Join workspace
            </button>
          ) : (
            <p className="hint">
              You are logged in as {me.user.email}; log out and open the link again to accept it for {invitation.email}.
            </p>
          )}
          {errorLine}
        </>
      );
    } else {
      body = (
        <>
          <h2>Join {invitation.workspace.name}</h2>
          {summary}
          <form onSubmit={register(invitation)} aria-describedby={error ? ids.error : undefined}>
            <label htmlFor={ids.email}>Email</label>
            <input id={ids.email} name="email" type="email" value={invitation.email} readOnly />
            <label htmlFor={ids.name}>Name</label>
            <input id={ids.name} name="name" autoComplete="name" required maxLength={100} />
            <label htmlFor={ids.password}>Password</label>
            <input id={ids.password} name="password" type="password" autoComplete="new-password" required minLength={8} />
            {errorLine}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              Create account and join
            </button>
          </form>
          <p className="auth-switch">
            Already have an account for {invitation.email}? <Link href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>Log in</Link>
          </p>
        </>
      );
    }
  }

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1 className="brand-large">
          <span className="brand-mark" aria-hidden="true" /> Tandem
        </h1>
        {body}
      </div>
    </main>
  );
}
