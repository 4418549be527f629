import { roleAtLeast } from '@tandem/protocol';
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { ActivityPage } from '../activity/activity-page.tsx';
import { AnalyticsNavLink } from '../analytics/analytics-nav-link.tsx';
import { AppTracking } from '../analytics/app-tracking.tsx';
import type { Me } from '../api/types.ts';
import { ChatNavLink } from '../chat/chat-nav-link.tsx';
import { TablePage } from '../grid/table-page.tsx';
import { ConnectionIndicator } from '../live/connection-indicator.tsx';
import { LiveClientProvider } from '../live/live-client.tsx';
import { useWorkspaceLive } from '../live/use-workspace-live.ts';
import { NotificationBell } from '../notifications/notification-bell.tsx';
import { NotificationsPage } from '../notifications/notifications-page.tsx';
import { PreferencesPage } from '../notifications/preferences-page.tsx';
import { Link } from '../router/link.tsx';
import { matchPath, navigate, useLocation } from '../router/router.ts';
import { SettingsPage, SettingsSection } from '../ui/settings-section.tsx';
import { EmptyState, LoadingState } from '../ui/states.tsx';
import { MembersPage } from '../workspaces/members-page.tsx';
import { NewWorkspaceForm } from '../workspaces/new-workspace-form.tsx';
import { WorkspaceHome } from '../workspaces/workspace-home.tsx';
import { lastWorkspaceId, rememberWorkspace } from './last-workspace.ts';
import { UserMenu } from './user-menu.tsx';
import { WorkspaceSwitcher } from './workspace-switcher.tsx';

// The dashboards carry a chart library (uPlot) that the rest of the app does not need: each is
// its own chunk, fetched when first opened.
const OperationsPage = lazy(() => import('../operations/operations-page.tsx').then((m) => ({ default: m.OperationsPage })));
const AnalyticsPage = lazy(() => import('../analytics/analytics-page.tsx').then((m) => ({ default: m.AnalyticsPage })));
// Chat and the canvases (React Flow, Yjs) are fetched when first opened, so the grid loads less.
const ChatPage = lazy(() => import('../chat/chat-page.tsx').then((m) => ({ default: m.ChatPage })));
const CanvasesPage = lazy(() => import('../canvas/canvases-page.tsx').then((m) => ({ default: m.CanvasesPage })));
const CanvasPage = lazy(() => import('../canvas/canvas-page.tsx').then((m) => ({ default: m.CanvasPage })));

/** Pages inside a workspace, by path pattern. */
const WORKSPACE_ROUTES = [
  '/w/:workspaceId',
  '/w/:workspaceId/members',
  '/w/:workspaceId/activity',
  '/w/:workspaceId/t/:tableId',
  '/w/:workspaceId/chat',
  '/w/:workspaceId/chat/:roomId',
  '/w/:workspaceId/operations',
  '/w/:workspaceId/analytics',
  '/w/:workspaceId/analytics/:siteId',
  '/w/:workspaceId/canvases',
  '/w/:workspaceId/canvas/:docId',
] as const;

/** Follows the open workspace's room (renders nothing). */
function WorkspaceLive({ workspaceId }: { workspaceId: string | null }) {
  useWorkspaceLive(workspaceId);
  return null;
}

/** The signed-in frame: header (switcher, navigation, user) and the current page. */
export function AppShell({ me }: { me: Me }) {
  const { path, search } = useLocation();
  let params: Record<string, string> | null = null;
  let route: (typeof WORKSPACE_ROUTES)[number] | null = null;
  for (const pattern of WORKSPACE_ROUTES) {
    params = matchPath(pattern, path);
    if (params) {
      route = pattern;
      break;
    }
  }
  const workspaceId = params?.workspaceId ?? null;
  const workspace = me.workspaces.find((w) => w.id === workspaceId) ?? null;
  const first = me.workspaces[0];
  // Pages outside a workspace keep the header of the one last opened, so the switcher and the
  // navigation stay where they are on every page.
  const navWorkspace = workspace ?? me.workspaces.find((w) => w.id === lastWorkspaceId()) ?? first ?? null;
  useEffect(() => {
    if (workspace) rememberWorkspace(workspace.id);
  }, [workspace]);
  // On a narrow screen the switcher and the navigation fold into a menu, closed again on every page change.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  useEffect(() => setMenuOpen(false), [path]);

  useEffect(() => {
    if (path === '/' && first) navigate(`/w/${first.id}`, { replace: true });
  }, [path, first]);

  let page: React.ReactNode;
  if (path === '/notifications') {
    page = <NotificationsPage />;
  } else if (path === '/settings/notifications') {
    page = <PreferencesPage />;
  } else if (path === '/new-workspace') {
    page = (
      <SettingsPage
        title="New workspace"
        titleId="new-workspace-title"
        description="A workspace holds a team's tables, chat and canvases; you will be its owner."
      >
        <SettingsSection title="Name" description="Shown in the workspace switcher and in emails; you can invite people once it exists.">
          <NewWorkspaceForm />
        </SettingsSection>
      </SettingsPage>
    );
  } else if (path === '/' && !first) {
    page = (
      <EmptyState title="You are not in a workspace yet">
        <p>Create one, or ask an admin to add you by your email ({me.user.email}).</p>
        <NewWorkspaceForm />
      </EmptyState>
    );
  } else if (route && !workspace) {
    page = <EmptyState title="Workspace not found">You are not a member of this workspace, or it does not exist.</EmptyState>;
  } else if (route && workspace && params) {
    if (route === '/w/:workspaceId') page = <WorkspaceHome workspace={workspace} />;
    else if (route === '/w/:workspaceId/members') page = <MembersPage workspace={workspace} me={me} />;
    else if (route === '/w/:workspaceId/activity') page = <ActivityPage workspace={workspace} />;
    else if (route === '/w/:workspaceId/operations') page = <OperationsPage workspace={workspace} highlightAlert={search.get('alert')} />;
    else if (route === '/w/:workspaceId/analytics' || route === '/w/:workspaceId/analytics/:siteId')
      page = <AnalyticsPage workspace={workspace} siteId={params.siteId ?? null} />;
    else if (route === '/w/:workspaceId/canvases') page = <CanvasesPage workspace={workspace} />;
    else if (route === '/w/:workspaceId/canvas/:docId') page = <CanvasPage workspace={workspace} docId={params.docId ?? ''} />;
    else if (route === '/w/:workspaceId/chat' || route === '/w/:workspaceId/chat/:roomId')
      page = <ChatPage workspace={workspace} me={me} roomId={params.roomId ?? null} messageId={search.get('message')} />;
    else page = <TablePage key={params.tableId} workspace={workspace} tableId={params.tableId ?? ''} me={me} />;
  } else if (path !== '/') {
    page = <EmptyState title="Page not found">Nothing lives at {path}.</EmptyState>;
  }

  return (
    <LiveClientProvider userId={me.user.id}>
      <WorkspaceLive workspaceId={workspace?.id ?? null} />
      <AppTracking workspaceId={workspace?.id ?? first?.id ?? null} />
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden="true" /> Tandem
          </Link>
          <button
            type="button"
            className="btn btn-ghost menu-toggle"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            aria-label="Menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="menu-toggle-bars" aria-hidden="true" />
          </button>
          {/* A tapped link closes the menu even when it leads to the page already shown. */}
          <div
            id={menuId}
            className="topbar-menu"
            data-open={menuOpen}
            onClickCapture={(e) => {
              if (e.target instanceof Element && e.target.closest('a')) setMenuOpen(false);
            }}
          >
            <WorkspaceSwitcher workspaces={me.workspaces} current={navWorkspace} />
            {navWorkspace && (
              <nav aria-label="Workspace pages" className="topnav">
                <Link href={`/w/${navWorkspace.id}`} aria-current={route === '/w/:workspaceId' ? 'page' : undefined}>
                  Tables
                </Link>
                <Link href={`/w/${navWorkspace.id}/members`} aria-current={route === '/w/:workspaceId/members' ? 'page' : undefined}>
                  Members
                </Link>
                <Link href={`/w/${navWorkspace.id}/activity`} aria-current={route === '/w/:workspaceId/activity' ? 'page' : undefined}>
                  Activity
                </Link>
                <ChatNavLink workspaceId={navWorkspace.id} current={route?.startsWith('/w/:workspaceId/chat') ?? false} />
                <Link href={`/w/${navWorkspace.id}/canvases`} aria-current={route?.startsWith('/w/:workspaceId/canvas') ? 'page' : undefined}>
                  Canvases
                </Link>
                <AnalyticsNavLink workspace={navWorkspace} current={route?.startsWith('/w/:workspaceId/analytics') ?? false} />
                {roleAtLeast(navWorkspace.role, 'admin') && (
                  <Link href={`/w/${navWorkspace.id}/operations`} aria-current={route === '/w/:workspaceId/operations' ? 'page' : undefined}>
                    Operations
                  </Link>
                )}
              </nav>
            )}
          </div>
          <div className="topbar-end">
            <ConnectionIndicator />
            <NotificationBell userId={me.user.id} />
          </div>
          <UserMenu user={me.user} />
        </header>
        <main id="main" className="page" tabIndex={-1}>
          <Suspense fallback={<LoadingState label="Loading the page" />}>{page}</Suspense>
        </main>
      </div>
    </LiveClientProvider>
  );
}
