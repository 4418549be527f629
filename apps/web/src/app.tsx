import { useEffect } from 'react';
import { useMe } from './api/session.ts';
import { InvitationPage } from './auth/invitation-page.tsx';
import { SignInPage } from './auth/sign-in-page.tsx';
import { navigate, useLocation } from './router/router.ts';
import { AppShell } from './shell/app-shell.tsx';
import { ErrorState, LoadingState } from './ui/states.tsx';

/** Top-level: an invitation link's page for anyone; signed out → sign-in / register; signed in → the app shell with its routes. */
export function App() {
  const me = useMe();
  const { path } = useLocation();
  const onAuthPage = path === '/login' || path === '/register';
  const invitationToken = path.startsWith('/invite/') ? decodeURIComponent(path.slice('/invite/'.length)) : null;

  useEffect(() => {
    if (me.data === null && !onAuthPage && !invitationToken) navigate(`/login${path === '/' ? '' : `?next=${encodeURIComponent(path)}`}`, { replace: true });
    if (me.data && onAuthPage) navigate('/', { replace: true });
  }, [me.data, onAuthPage, invitationToken, path]);

  if (me.isPending) return <LoadingState label="Loading Tandem" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (invitationToken) return <InvitationPage token={invitationToken} me={me.data} />;
  if (!me.data) return <SignInPage mode={path === '/register' ? 'register' : 'login'} />;
  return <AppShell me={me.data} />;
}
