import type { AnalyticsDimension, AnalyticsFilters, AnalyticsSummary, EventPropertyRow } from '@tandem/protocol';
import { useState } from 'react';
import { formatCount } from './analytics-labels.ts';

/**
 * Custom events of the period; each one opens its property breakdown (plan = pro: 12). Clicking
 * an event's name filters the dashboard by it.
 */
export function EventsCard({
  summary,
  filters,
  onFilter,
}: {
  summary: AnalyticsSummary | undefined;
  filters: AnalyticsFilters;
  onFilter: (dimension: AnalyticsDimension, value: string) => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const rows = summary?.breakdowns.event ?? [];
  const props = new Map<string, EventPropertyRow[]>();
  for (const p of summary?.event_properties ?? []) props.set(p.event, [...(props.get(p.event) ?? []), p]);
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="card an-breakdown an-events" aria-label="Custom events" data-breakdown="event">
      <div className="an-breakdown-head">
        <h3>Custom events</h3>
      </div>
      {rows.length === 0 ? (
        <p className="muted an-breakdown-empty">
          No events in this period. Send one with{' '}
          <code>
            tandem.track('signup', {'{'} plan: 'pro' {'}'})
          </code>
          .
        </p>
      ) : (
        <table className="an-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col" className="num">
                Visitors
              </th>
              <th scope="col" className="num">
                Count
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((row) => {
              const eventProps = props.get(row.value) ?? [];
              const expanded = open === row.value;
              const active = filters.event === row.value;
              const lines = [
                <tr key={row.value} className={active ? 'an-row-active' : undefined} data-value={row.value}>
                  <td className="an-row-label">
                    <span className="an-bar" style={{ width: `${(row.count / max) * 100}%` }} aria-hidden="true" />
                    <button
                      type="button"
                      className="an-row-text an-row-button"
                      aria-pressed={active}
                      title={`Filter by event ${row.value}`}
                      onClick={() => onFilter('event', row.value)}
                    >
                      {row.value}
                    </button>
                    {eventProps.length > 0 && (
                      <button
                        type="button"
                        className="btn btn-ghost btn-small an-props-toggle"
                        aria-expanded={expanded}
                        onClick={() => setOpen(expanded ? null : row.value)}
                      >
                        {expanded ? 'Hide properties' : 'Properties'}
                      </button>
                    )}
                  </td>
                  <td className="num">{formatCount(row.visitors)}</td>
                  <td className="num">{formatCount(row.count)}</td>
                </tr>,
              ];
              if (expanded) {
                for (const p of eventProps) {
                  lines.push(
                    <tr key={`${row.value}\u0000${p.key}\u0000${p.value}`} className="an-prop-row" data-prop={`${p.key}=${p.value}`}>
                      <td>
                        <span className="muted">{p.key}</span> = {p.value}
                      </td>
                      <td />
                      <td className="num">{formatCount(p.count)}</td>
                    </tr>,
                  );
                }
              }
              return lines;
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
