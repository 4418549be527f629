import { useAnalyticsLive } from '@tandem/react';
import { useEffect, useRef } from 'react';
import { displayValue, formatCount, timeAgo } from './analytics-labels.ts';
import { countryFlag, countryName } from './country-flag.ts';

/** How many page views the feed lists. */
const FEED_LENGTH = 10;

/**
 * The live corner of a site's dashboard, from the `analytics:{workspace}` room: visitors now
 * (active in the last 5 minutes), page views per second with a bar per second of the last minute,
 * and the newest page views. Only this component re-renders with each update.
 * `onPageview` is called when a page view newer than the last one seen arrives.
 */
export function LivePanel({ workspaceId, siteId, onPageview }: { workspaceId: string; siteId: string; onPageview?: () => void }) {
  const { latest, state, error } = useAnalyticsLive(workspaceId);
  const figures = latest?.sites.find((s) => s.site_id === siteId) ?? null;
  const recent = (latest?.recent ?? []).filter((p) => p.site_id === siteId).slice(0, FEED_LENGTH);
  const newest = recent[0]?.at ?? null;

  // The first update is the room's state on joining: its page views were already counted.
  const seen = useRef<{ newest: string | null } | null>(null);
  const notify = useRef(onPageview);
  notify.current = onPageview;
  useEffect(() => {
    if (!latest) return;
    const before = seen.current;
    seen.current = { newest };
    if (before && newest !== null && newest !== before.newest) notify.current?.();
  }, [latest, newest]);

  const lastMinute = figures?.pageviews_last_minute ?? [];
  const peak = Math.max(1, ...lastMinute);
  return (
    <section className="card an-live" aria-label="Live">
      <div className="an-live-figures">
        <div className="an-live-now" data-live="visitors_now" data-value={figures?.visitors_now ?? 0}>
          <span className={`an-live-dot${state === 'subscribed' ? ' an-live-on' : ''}`} aria-hidden="true" />
          <strong>{formatCount(figures?.visitors_now ?? 0)}</strong>
          <span>{figures?.visitors_now === 1 ? 'visitor now' : 'visitors now'}</span>
        </div>
        <span className="muted" data-live="pageviews_per_s" data-value={figures?.pageviews_per_s ?? 0}>
          {(figures?.pageviews_per_s ?? 0).toFixed(1)} page views/s
        </span>
        <span className="muted an-live-state">
          {state === 'error' ? `Live figures unavailable: ${error?.message ?? 'refused'}` : state === 'subscribed' ? 'Live' : 'Connecting…'}
        </span>
      </div>
      <div className="an-sparkline" role="img" aria-label={`Page views per second over the last minute, at most ${peak}`}>
        {Array.from({ length: 60 }, (_, i) => {
          const v = lastMinute[i - (60 - lastMinute.length)] ?? 0;
          return <span key={i} style={{ height: `${(v / peak) * 100}%` }} className={v > 0 ? 'an-spark-on' : undefined} />;
        })}
      </div>
      <h3>Latest page views</h3>
      {recent.length === 0 ? (
        <p className="muted">Nobody has opened a page since you came here. New page views appear as they happen.</p>
      ) : (
        <ol className="an-feed" aria-label="Latest page views">
          {recent.map((p, i) => (
            <li key={`${p.at}-${p.path}-${i}`} className="an-feed-row">
              <span className="an-feed-path">{p.path}</span>
              <span className="muted">
                {p.country ? <span title={countryName(p.country)}>{countryFlag(p.country) || p.country}</span> : null} {displayValue('device', p.device)}
                {p.browser ? ` · ${p.browser}` : ''}
              </span>
              <time className="muted" dateTime={p.at}>
                {timeAgo(p.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
