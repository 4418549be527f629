import { type FilterOperator, OPERATORS_BY_TYPE, type ViewFilter, type ViewSort } from '@tandem/protocol';
import type { Field, Member } from '../api/types.ts';
import { Popover } from '../ui/popover.tsx';
import type { ViewConfig } from './apply-view.ts';
import { choicesOf } from './field-values.ts';

/** Filter operators offered per field type: the server's, except record links, which the filter bar can only test for emptiness. */
const OPERATORS: Readonly<Record<Field['type'], readonly FilterOperator[]>> = {
  ...OPERATORS_BY_TYPE,
  link: ['empty', 'not_empty'],
};

const OP_LABELS: Readonly<Record<FilterOperator, string>> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  empty: 'is empty',
  not_empty: 'is not empty',
};

function defaultValue(field: Field): unknown {
  if (field.type === 'checkbox') return true;
  if (field.type === 'user') return 'me';
  if (field.type === 'single_select' || field.type === 'multi_select') return choicesOf(field)[0]?.id ?? '';
  if (field.type === 'number') return 0;
  return '';
}

function FilterValue({ field, filter, members, onChange }: { field: Field; filter: ViewFilter; members: readonly Member[]; onChange: (v: unknown) => void }) {
  if (filter.op === 'empty' || filter.op === 'not_empty') return null;
  const label = `Value for ${field.name}`;
  if (field.type === 'checkbox') {
    return (
      <select aria-label={label} value={String(filter.value === true)} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">checked</option>
        <option value="false">unchecked</option>
      </select>
    );
  }
  if (field.type === 'single_select' || field.type === 'multi_select' || field.type === 'user') {
    const options = field.type === 'user' ? [{ id: 'me', name: 'Me' }, ...members.map((m) => ({ id: m.user_id, name: m.name }))] : choicesOf(field);
    return (
      <select aria-label={label} value={String(filter.value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label={label}
      type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
      value={String(filter.value ?? '')}
      onChange={(e) => onChange(field.type === 'number' ? (e.target.value === '' ? 0 : Number(e.target.value)) : e.target.value)}
    />
  );
}

/** Filter, sort and hide-fields controls for the current view; every change calls `onChange`. */
export function ViewToolbar({
  fields,
  config,
  members,
  onChange,
}: {
  fields: readonly Field[];
  config: ViewConfig;
  members: readonly Member[];
  onChange: (next: ViewConfig) => void;
}) {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const setFilters = (filters: ViewFilter[]) => onChange({ ...config, filters });
  const setSorts = (sorts: ViewSort[]) => onChange({ ...config, sorts });
  const filterable = fields.filter((f) => OPERATORS[f.type].length > 0);
  const first = filterable[0];

  return (
    <div className="view-toolbar">
      <Popover label={`Filter${config.filters.length ? ` (${config.filters.length})` : ''}`}>
        {() => (
          <fieldset className="panel">
            <legend>Filters</legend>
            {config.filters.length === 0 && <p className="muted">No filters: every record is shown.</p>}
            {config.filters.map((filter, i) => {
              const field = byId.get(filter.field_id);
              if (!field) return null;
              const update = (patch: Partial<ViewFilter>) => setFilters(config.filters.map((f, j) => (j === i ? { ...f, ...patch } : f)));
              return (
                <div className="panel-row" key={`${filter.field_id}-${i}`}>
                  <select
                    aria-label="Filter field"
                    value={field.id}
                    onChange={(e) => {
                      const next = byId.get(e.target.value);
                      if (next) update({ field_id: next.id, op: OPERATORS[next.type][0] ?? 'eq', value: defaultValue(next) as ViewFilter['value'] });
                    }}
                  >
                    {filterable.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                  </select>
                  <select aria-label="Condition" value={filter.op} onChange={(e) => update({ op: e.target.value as FilterOperator })}>
                    {OPERATORS[field.type].map((op) => (
                      <option key={op} value={op}>
                        {OP_LABELS[op]}
                      </option>
                    ))}
                  </select>
                  <FilterValue field={field} filter={filter} members={members} onChange={(v) => update({ value: v as ViewFilter['value'] })} />
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    aria-label="Remove filter"
                    onClick={() => setFilters(config.filters.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </div>
              );
            })}
            {first && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() =>
                  setFilters([
                    ...config.filters,
                    { field_id: first.id, op: OPERATORS[first.type][0] ?? 'eq', value: defaultValue(first) as ViewFilter['value'] },
                  ])
                }
              >
                + Add filter
              </button>
            )}
          </fieldset>
        )}
      </Popover>
      <Popover label={`Sort${config.sorts.length ? ` (${config.sorts.length})` : ''}`}>
        {() => (
          <fieldset className="panel">
            <legend>Sorting</legend>
            {config.sorts.length === 0 && <p className="muted">In the order records were created.</p>}
            {config.sorts.map((sort, i) => (
              <div className="panel-row" key={`${sort.field_id}-${i}`}>
                <select
                  aria-label="Sort field"
                  value={sort.field_id}
                  onChange={(e) => setSorts(config.sorts.map((s, j) => (j === i ? { ...s, field_id: e.target.value } : s)))}
                >
                  {fields.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
                <select
                  aria-label="Direction"
                  value={sort.direction}
                  onChange={(e) => setSorts(config.sorts.map((s, j) => (j === i ? { ...s, direction: e.target.value as 'asc' | 'desc' } : s)))}
                >
                  <option value="asc">A → Z, 1 → 9</option>
                  <option value="desc">Z → A, 9 → 1</option>
                </select>
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  aria-label="Remove sort"
                  onClick={() => setSorts(config.sorts.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </div>
            ))}
            {fields[0] && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() =>
                  setSorts([
                    ...config.sorts,
                    { field_id: (fields.find((f) => !config.sorts.some((s) => s.field_id === f.id)) ?? fields[0])?.id ?? '', direction: 'asc' },
                  ])
                }
              >
                + Add sort
              </button>
            )}
          </fieldset>
        )}
      </Popover>
      <Popover label={`Fields${config.hidden_fields.length ? ` (${config.hidden_fields.length} hidden)` : ''}`}>
        {() => (
          <fieldset className="panel">
            <legend>Shown fields</legend>
            {fields.map((f) => (
              <label key={f.id} className="check-row">
                <input
                  type="checkbox"
                  checked={!config.hidden_fields.includes(f.id)}
                  onChange={(e) =>
                    onChange({
                      ...config,
                      hidden_fields: e.target.checked ? config.hidden_fields.filter((id) => id !== f.id) : [...config.hidden_fields, f.id],
                    })
                  }
                />
                {f.name}
              </label>
            ))}
          </fieldset>
        )}
      </Popover>
    </div>
  );
}
