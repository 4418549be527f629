import { useEffect } from 'react';
import { useMe } from './api/session.ts';
import { SignInPage } from './auth/sign-in-page.tsx';
import { navigate, useLocation } from './router/router.ts';
import { AppShell } from './shell/app-shell.tsx';
import { ErrorState, LoadingState } from './ui/states.tsx';

/** Top-level: signed out → sign-in / register; signed in → the app shell with its routes. */
export function App() {
  const me = useMe();
  const { path } = useLocation();
  const onAuthPage = path === '/login' || path === '/register';

  useEffect(() => {
    if (me.data === null && !onAuthPage) navigate(`/login${path === '/' ? '' : `?next=${encodeURIComponent(path)}`}`, { replace: true });
    if (me.data && onAuthPage) navigate('/', { replace: true });
  }, [me.data, onAuthPage, path]);

  if (me.isPending) return <LoadingState label="Loading Tandem" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <SignInPage mode={path === '/register' ? 'register' : 'login'} />;
  return <AppShell me={me.data} />;
}
