import type { AnalyticsDimension, AnalyticsFilters, AnalyticsSummary } from '@tandem/protocol';
import { useState } from 'react';
import { Segmented } from '../ui/segmented.tsx';
import { COUNT_LABELS, DIMENSION_LABELS, displayValue, formatCount } from './analytics-labels.ts';

/**
 * One card of breakdown tables (e.g. pages, entry and exit pages behind tabs). A row's bar shows
 * its share of the table's largest count; clicking a row filters the whole dashboard by it.
 */
export function BreakdownCard({
  title,
  dimensions,
  summary,
  filters,
  onFilter,
}: {
  title: string;
  dimensions: readonly AnalyticsDimension[];
  summary: AnalyticsSummary | undefined;
  filters: AnalyticsFilters;
  onFilter: (dimension: AnalyticsDimension, value: string) => void;
}) {
  const [tab, setTab] = useState<AnalyticsDimension>(dimensions[0] ?? 'page');
  const rows = summary?.breakdowns[tab] ?? [];
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="card an-breakdown" aria-label={title} data-breakdown={tab}>
      <div className="an-breakdown-head">
        <h3>{title}</h3>
        {dimensions.length > 1 && (
          <Segmented label={`${title} by`} options={dimensions.map((d) => ({ value: d, label: DIMENSION_LABELS[d] }))} value={tab} onChange={setTab} />
        )}
      </div>
      {rows.length === 0 ? (
        <p className="muted an-breakdown-empty">Nothing in this period.</p>
      ) : (
        <table className="an-table">
          <thead>
            <tr>
              <th scope="col">{DIMENSION_LABELS[tab]}</th>
              <th scope="col" className="num">
                Visitors
              </th>
              <th scope="col" className="num">
                {COUNT_LABELS[tab]}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const active = filters[tab] === row.value;
              const label = displayValue(tab, row.value);
              return (
                <tr key={row.value} className={active ? 'an-row-active' : undefined} data-value={row.value}>
                  <td className="an-row-label">
                    <span className="an-bar" style={{ width: `${(row.count / max) * 100}%` }} aria-hidden="true" />
                    {row.value === '' ? (
                      <span className="an-row-text muted">{label}</span>
                    ) : (
                      <button
                        type="button"
                        className="an-row-text an-row-button"
                        title={`Filter by ${DIMENSION_LABELS[tab]} ${label}`}
                        aria-pressed={active}
                        onClick={() => onFilter(tab, row.value)}
                      >
                        {label}
                      </button>
                    )}
                  </td>
                  <td className="num">{formatCount(row.visitors)}</td>
                  <td className="num">{formatCount(row.count)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
