import type { AnalyticsSummary } from '@tandem/protocol';
import { figureDelta, formatFigure, HEADLINE_FIGURES } from './analytics-labels.ts';

/** The headline figures of the period, each with its change from the period before. */
export function HeadlineFigures({ summary }: { summary: AnalyticsSummary | undefined }) {
  return (
    <dl className="ops-figures an-figures">
      {HEADLINE_FIGURES.map(({ key, label, lowerIsBetter }) => {
        const value = summary?.totals[key];
        const delta = summary && value !== undefined ? figureDelta(key, value, summary.previous?.[key]) : null;
        const tone = !delta || delta.direction === 0 ? 'flat' : delta.direction > 0 !== Boolean(lowerIsBetter) ? 'up' : 'down';
        return (
          <div key={key} className="ops-figure" data-figure={key} data-value={value ?? ''}>
            <dt>{label}</dt>
            <dd>{value === undefined ? '–' : formatFigure(key, value)}</dd>
            {delta && (
              <span className={`an-delta an-delta-${tone}`} title={`Previous period: ${formatFigure(key, summary?.previous?.[key] ?? 0)}`}>
                {delta.text}
              </span>
            )}
          </div>
        );
      })}
    </dl>
  );
}
