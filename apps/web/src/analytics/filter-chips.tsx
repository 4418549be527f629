import type { AnalyticsDimension, AnalyticsFilters } from '@tandem/protocol';
import { DIMENSION_LABELS, displayValue } from './analytics-labels.ts';

/** The filters in force as removable chips ("Country is 🇩🇪 Germany ×"), with "Clear all". */
export function FilterChips({
  filters,
  onRemove,
  onClear,
}: {
  filters: AnalyticsFilters;
  onRemove: (dimension: AnalyticsDimension) => void;
  onClear: () => void;
}) {
  const entries = Object.entries(filters) as [AnalyticsDimension, string][];
  if (entries.length === 0) return <p className="muted an-filter-hint">Click a row of any table to filter everything by it.</p>;
  return (
    <ul className="an-filters" aria-label="Filters">
      {entries.map(([dimension, value]) => (
        <li key={dimension} className="an-filter-chip" data-dimension={dimension}>
          <span>
            {DIMENSION_LABELS[dimension]} is <strong>{displayValue(dimension, value)}</strong>
          </span>
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            aria-label={`Remove filter ${DIMENSION_LABELS[dimension]}`}
            onClick={() => onRemove(dimension)}
          >
            ×
          </button>
        </li>
      ))}
      {entries.length > 1 && (
        <li>
          <button type="button" className="btn btn-small btn-ghost" onClick={onClear}>
            Clear all
          </button>
        </li>
      )}
    </ul>
  );
}
