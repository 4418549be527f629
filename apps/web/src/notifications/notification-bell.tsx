import { useNotifications } from '@tandem/react';
import { useEffect, useRef, useState } from 'react';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { BellIcon } from '../ui/icons.tsx';
import { Popover } from '../ui/popover.tsx';
import { type AppNotification, ago, notificationHref } from './notification-types.ts';

/** How long a toast stays, in milliseconds. */
export const TOAST_MS = 6000;

/**
 * The bell: unread badge (live from the user's room), a dropdown of recent notifications, and
 * a toast for each notification that arrives while the app is open.
 */
export function NotificationBell() {
  const feed = useNotifications<AppNotification>();
  const [toasts, setToasts] = useState<AppNotification[]>([]);
  const seen = useRef<Set<string> | null>(null);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  useEffect(() => {
    if (feed.loading) return;
    const ids = new Set(feed.notifications.map((n) => n.id));
    if (seen.current === null) {
      // The first load is history, not news.
      seen.current = ids;
      return;
    }
    const fresh = feed.notifications.filter((n) => !seen.current?.has(n.id) && !n.read_at);
    seen.current = ids;
    if (fresh.length === 0) return;
    setToasts((t) => [...fresh, ...t].slice(0, 3));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setToasts((t) => t.filter((x) => !fresh.includes(x)));
    }, TOAST_MS);
    timers.current.add(timer);
  }, [feed.notifications, feed.loading]);
  useEffect(
    () => () => {
      for (const t of timers.current) clearTimeout(t);
    },
    [],
  );

  const open = (n: AppNotification) => {
    if (!n.read_at) void feed.markRead(n.id).catch(() => undefined);
    setToasts((t) => t.filter((x) => x.id !== n.id));
    navigate(notificationHref(n));
  };

  const unread = feed.unreadCount;
  return (
    <>
      <Popover
        label={
          <>
            <BellIcon />
            {unread > 0 && (
              <span className="bell-badge" data-testid="unread-badge">
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </>
        }
        buttonClass="btn btn-ghost bell"
        buttonLabel={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        align="right"
      >
        {(close) => (
          <div className="panel notification-menu">
            <div className="panel-row">
              <strong>Notifications</strong>
              {unread > 0 && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => void feed.markAllRead()}>
                  Mark all read
                </button>
              )}
            </div>
            {feed.notifications.length === 0 && <p className="muted">Nothing yet.</p>}
            <ul className="notification-list">
              {feed.notifications.slice(0, 8).map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={`notification-item${n.read_at ? '' : ' unread'}`}
                    onClick={() => {
                      close();
                      open(n);
                    }}
                  >
                    <span className="notification-title">{n.title}</span>
                    <span className="muted">{ago(n.created_at)}</span>
                  </button>
                </li>
              ))}
            </ul>
            <Link href="/notifications" onClick={() => close()}>
              See all notifications
            </Link>
          </div>
        )}
      </Popover>
      <div className="toasts" aria-live="polite">
        {toasts.map((n) => (
          <div key={n.id} className="toast" role="status">
            <button type="button" className="toast-body" onClick={() => open(n)}>
              <strong>{n.title}</strong>
              {n.body && <span className="muted">{n.body.slice(0, 140)}</span>}
            </button>
            <button type="button" className="btn btn-ghost btn-small" aria-label="Dismiss" onClick={() => setToasts((t) => t.filter((x) => x.id !== n.id))}>
              ×
            </button>
          </div>
        ))}
      </div>
    </>
  );
}
