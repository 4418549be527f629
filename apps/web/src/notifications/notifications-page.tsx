import { useNotifications } from '@tandem/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/http.ts';
import { acknowledgeAlert } from '../operations/operations-queries.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { Segmented } from '../ui/segmented.tsx';
import { SettingsPage } from '../ui/settings-section.tsx';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { type AppNotification, ago, notificationHref } from './notification-types.ts';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'unread', label: 'Unread' },
  { value: 'archived', label: 'Archived' },
] as const;
type Filter = (typeof FILTERS)[number]['value'];

/** The full inbox: filter, open, mark read, mark all read, archive. */
export function NotificationsPage() {
  const [filter, setFilter] = useState<Filter>('all');
  const [error, setError] = useState<string | null>(null);
  const live = useNotifications<AppNotification>();
  const queries = useQueryClient();
  const key = ['notifications', filter, live.notifications[0]?.id ?? '', live.unreadCount] as const;
  const list = useQuery({
    queryKey: key,
    queryFn: async () => {
      const qs = filter === 'unread' ? '?unread=true&limit=200' : filter === 'archived' ? '?archived=true&limit=200' : '?limit=200';
      return (await api.get<{ notifications: AppNotification[] }>(`/notifications${qs}`)).notifications;
    },
  });
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await queries.invalidateQueries({ queryKey: ['notifications'] });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <SettingsPage
      title="Notifications"
      titleId="notifications-title"
      description="Mentions, replies, approvals, assignments and alerts, newest first."
      actions={<Link href="/settings/notifications">Preferences</Link>}
    >
      <div className="panel-row">
        <Segmented label="Show" options={FILTERS} value={filter} onChange={setFilter} />
        <button type="button" className="btn btn-small" disabled={live.unreadCount === 0} onClick={() => void run(() => live.markAllRead())}>
          Mark all read
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {list.isPending ? (
        <LoadingState label="Loading notifications" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title={filter === 'unread' ? 'All caught up' : 'No notifications'} />
      ) : (
        <ul className="notification-page-list">
          {list.data.map((n) => (
            <li key={n.id} className={`card notification-row${n.read_at ? '' : ' unread'}`}>
              <button
                type="button"
                className="notification-open"
                onClick={() => {
                  if (!n.read_at) void live.markRead(n.id).catch(() => undefined);
                  navigate(notificationHref(n));
                }}
              >
                <span className="notification-title">{n.title}</span>
                {n.body && <span className="muted">{n.body.slice(0, 200)}</span>}
                <span className="muted">{ago(n.created_at)}</span>
              </button>
              <div className="notification-actions">
                {n.type === 'alert' && n.alert_id && (
                  <button type="button" className="btn btn-small" onClick={() => void run(() => acknowledgeAlert(n.alert_id ?? ''))}>
                    Acknowledge
                  </button>
                )}
                {!n.read_at && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => void run(() => live.markRead(n.id))}>
                    Mark read
                  </button>
                )}
                {!n.archived_at && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => void run(() => api.post(`/notifications/${n.id}/archive`))}>
                    Archive
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </SettingsPage>
  );
}
