import type { AnalyticsDimension, AnalyticsFilters, AnalyticsSite } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { analyticsKeys, type SummaryRequest, useSummary } from './analytics-queries.ts';
import { BreakdownCard } from './breakdown-card.tsx';
import { type DateRange, presetRange, rangeIsOpen } from './date-range.ts';
import { DateRangePicker } from './date-range-picker.tsx';
import { EventsCard } from './events-card.tsx';
import { FilterChips } from './filter-chips.tsx';
import { FunnelBuilder } from './funnel-builder.tsx';
import { HeadlineFigures } from './headline-figures.tsx';
import { InstallSnippet } from './install-snippet.tsx';
import { LivePanel } from './live-panel.tsx';
import { VisitorsChart } from './visitors-chart.tsx';

/** The breakdown cards, in the order of the page. */
const CARDS: readonly { readonly title: string; readonly dimensions: readonly AnalyticsDimension[] }[] = [
  { title: 'Pages', dimensions: ['page', 'entry_page', 'exit_page'] },
  { title: 'Sources', dimensions: ['source', 'utm_source', 'utm_medium', 'utm_campaign'] },
  { title: 'Countries', dimensions: ['country'] },
  { title: 'Devices', dimensions: ['device', 'browser', 'os'] },
];

/** While the period is still running, new page views refresh the summary at most this often. */
const LIVE_REFRESH_MS = 5_000;

/**
 * One site's dashboard: period and comparison, headline figures with deltas, the visitors chart,
 * the live corner, breakdown tables with click-to-filter, custom events and the funnel builder.
 */
export function SiteDashboard({ workspace, site }: { workspace: WorkspaceSummary; site: AnalyticsSite }) {
  const [range, setRange] = useState<DateRange>(() => presetRange('7d'));
  const [filters, setFilters] = useState<AnalyticsFilters>({});
  const request: SummaryRequest = useMemo(
    () => ({ site: site.id, from: range.from.toISOString(), to: range.to.toISOString(), interval: range.interval, filters }),
    [site.id, range, filters],
  );
  const summary = useSummary(request);
  const queries = useQueryClient();
  const lastRefresh = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A new page view changes a running period's figures: refetch, but not more than every few seconds.
  const onPageview = () => {
    if (!rangeIsOpen(range) || refreshTimer.current) return;
    const wait = Math.max(0, lastRefresh.current + LIVE_REFRESH_MS - Date.now());
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      lastRefresh.current = Date.now();
      void queries.invalidateQueries({ queryKey: analyticsKeys.summary(request) });
    }, wait);
  };

  const addFilter = (dimension: AnalyticsDimension, value: string) =>
    setFilters((f) => {
      if (f[dimension] === value) {
        const { [dimension]: _, ...rest } = f;
        return rest;
      }
      return { ...f, [dimension]: value };
    });
  const removeFilter = (dimension: AnalyticsDimension) =>
    setFilters((f) => {
      const { [dimension]: _, ...rest } = f;
      return rest;
    });

  const data = summary.data;
  const noTraffic = data !== undefined && data.totals.pageviews === 0 && (data.previous?.pageviews ?? 0) === 0 && Object.keys(filters).length === 0;

  return (
    <section className="content analytics" aria-labelledby="analytics-title">
      <div className="page-head an-head">
        <p className="breadcrumb">
          <Link href={`/w/${workspace.id}/analytics`}>Analytics</Link> /
        </p>
        <h1 id="analytics-title">{site.name}</h1>
        <p className="muted">{site.domains.join(', ')}</p>
      </div>
      <div className="an-toolbar">
        <DateRangePicker range={range} onChange={setRange} />
      </div>
      <FilterChips filters={filters} onRemove={removeFilter} onClear={() => setFilters({})} />
      <div className="an-top">
        <div className="an-top-main">
          <HeadlineFigures summary={data} />
          {summary.isError ? (
            <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
          ) : (
            <VisitorsChart series={data?.series} interval={range.interval} />
          )}
        </div>
        <LivePanel workspaceId={workspace.id} siteId={site.id} onPageview={onPageview} />
      </div>
      {summary.isPending ? (
        <LoadingState label="Loading the summary" />
      ) : noTraffic ? (
        <EmptyState title="No page views yet">
          <p>Nothing has been counted for this site in this period or the one before. Install the snippet on its pages:</p>
          <InstallSnippet site={site} />
        </EmptyState>
      ) : (
        <>
          <div className="an-breakdowns">
            {CARDS.map((card) => (
              <BreakdownCard key={card.title} title={card.title} dimensions={card.dimensions} summary={data} filters={filters} onFilter={addFilter} />
            ))}
            <EventsCard summary={data} filters={filters} onFilter={addFilter} />
          </div>
          <FunnelBuilder
            siteId={site.id}
            from={request.from}
            to={request.to}
            filters={filters}
            pages={(data?.breakdowns.page ?? []).map((r) => r.value)}
            events={(data?.breakdowns.event ?? []).map((r) => r.value)}
          />
          <details className="an-site-install">
            <summary>Install snippet</summary>
            <InstallSnippet site={site} />
          </details>
        </>
      )}
    </section>
  );
}
