import { type AlertInfo, type AlertSeverity, roomName } from '@tandem/protocol';
import { useNotifications, useRoom } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { alertHref } from '../operations/alert-list.tsx';
import { SEVERITY_LABELS } from '../operations/metric-labels.ts';
import { acknowledgeAlert } from '../operations/operations-queries.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { BellIcon } from '../ui/icons.tsx';
import { Popover } from '../ui/popover.tsx';
import { type AppNotification, ago, notificationHref } from './notification-types.ts';
// Alert toasts take their severity colours from the operations styles, on every page (the
// operations page itself is loaded on demand).
import '../styles/operations.css';

/** How long a toast stays, in milliseconds (a critical alert stays until dismissed or acknowledged). */
export const TOAST_MS = 6000;

/** One toast: a notification, or an alert (from its signal or its `alert` notification). */
interface Toast {
  readonly key: string;
  readonly title: string;
  readonly body: string | null;
  readonly href: string;
  /** The notification to mark read on open. */
  readonly notification: AppNotification | null;
  readonly alertId: string | null;
  readonly severity: AlertSeverity | null;
  readonly acknowledged: boolean;
}

function notificationToast(n: AppNotification): Toast {
  return {
    key: n.id,
    title: n.title,
    body: n.body,
    href: notificationHref(n),
    notification: n,
    alertId: n.type === 'alert' ? n.alert_id : null,
    severity: n.type === 'alert' ? (n.urgent ? 'critical' : 'warning') : null,
    acknowledged: false,
  };
}

function alertToast(a: AlertInfo): Toast {
  return {
    key: `alert:${a.id}`,
    title: a.title,
    body: a.body,
    href: alertHref(a),
    notification: null,
    alertId: a.id,
    severity: a.severity,
    acknowledged: false,
  };
}

/**
 * The bell: unread badge (live from the user's room), a dropdown of recent notifications, and
 * a toast for each notification or alert that arrives while the app is open (alerts with
 * Acknowledge and Open).
 */
export function NotificationBell({ userId }: { userId: string }) {
  const feed = useNotifications<AppNotification>();
  const queries = useQueryClient();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const seen = useRef<Set<string> | null>(null);
  const alertsShown = useRef(new Set<string>());
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  const show = (fresh: readonly Toast[]) => {
    // An alert reaches the user twice (its signal and its notification): one toast is enough.
    const news = fresh.filter((t) => !t.alertId || !alertsShown.current.has(t.alertId));
    if (news.length === 0) return;
    for (const t of news) if (t.alertId) alertsShown.current.add(t.alertId);
    setToasts((ts) => [...news, ...ts].slice(0, 3));
    const passing = news.filter((t) => t.severity !== 'critical');
    if (passing.length === 0) return;
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setToasts((ts) => ts.filter((x) => !passing.includes(x)));
    }, TOAST_MS);
    timers.current.add(timer);
  };

  useRoom(roomName('user', userId), (event) => {
    if (event.type !== 'alert') return;
    const alert = (event as { readonly data: AlertInfo }).data;
    if (alert.status === 'firing' && !alert.acknowledged_at) show([alertToast(alert)]);
  });

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
    show(fresh.map(notificationToast));
  }, [feed.notifications, feed.loading]);
  useEffect(
    () => () => {
      for (const t of timers.current) clearTimeout(t);
    },
    [],
  );

  const open = (n: AppNotification) => {
    if (!n.read_at) void feed.markRead(n.id).catch(() => undefined);
    setToasts((t) => t.filter((x) => x.notification?.id !== n.id));
    navigate(notificationHref(n));
  };
  const openToast = (t: Toast) => {
    if (t.notification) return open(t.notification);
    setToasts((ts) => ts.filter((x) => x.key !== t.key));
    navigate(t.href);
  };
  const dismiss = (t: Toast) => setToasts((ts) => ts.filter((x) => x.key !== t.key));
  const acknowledge = async (t: Toast) => {
    if (!t.alertId) return;
    try {
      await acknowledgeAlert(t.alertId);
      if (t.notification && !t.notification.read_at) void feed.markRead(t.notification.id).catch(() => undefined);
      setToasts((ts) => ts.map((x) => (x.key === t.key ? { ...x, acknowledged: true } : x)));
      void queries.invalidateQueries({ queryKey: ['operations'] });
      const timer = setTimeout(() => {
        timers.current.delete(timer);
        dismiss(t);
      }, TOAST_MS);
      timers.current.add(timer);
    } catch {
      // The toast stays with its button, so the user can try again or open the alert.
    }
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
        {toasts.map((t) => (
          <div key={t.key} className={`toast${t.severity ? ` toast-alert severity-${t.severity}` : ''}`} role="status" data-alert-id={t.alertId ?? undefined}>
            <div className="toast-main">
              <button type="button" className="toast-body" onClick={() => openToast(t)}>
                {t.severity && <span className={`severity-pill severity-${t.severity}`}>{SEVERITY_LABELS[t.severity]}</span>}
                <strong>{t.title}</strong>
                {t.body && <span className="muted">{t.body.slice(0, 140)}</span>}
              </button>
              {t.alertId && (
                <div className="toast-actions">
                  {t.acknowledged ? (
                    <span className="badge">Acknowledged</span>
                  ) : (
                    <button type="button" className="btn btn-small btn-primary" onClick={() => void acknowledge(t)}>
                      Acknowledge
                    </button>
                  )}
                  <button type="button" className="btn btn-small" onClick={() => openToast(t)}>
                    Open
                  </button>
                </div>
              )}
            </div>
            <button type="button" className="btn btn-ghost btn-small" aria-label="Dismiss" onClick={() => dismiss(t)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </>
  );
}
