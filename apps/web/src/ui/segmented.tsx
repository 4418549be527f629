/** One choice of a {@link Segmented} control. */
export interface SegmentedOption<V extends string> {
  readonly value: V;
  readonly label: string;
}

/**
 * A row of toggle buttons of which one is pressed, e.g. a list's filter ("All", "Unread", …).
 * `label` names the group for assistive technology.
 */
export function Segmented<V extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly SegmentedOption<V>[];
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <div className="segmented" role="toolbar" aria-label={label}>
      {options.map((option) => (
        <button key={option.value} type="button" aria-pressed={value === option.value} className="btn btn-small" onClick={() => onChange(option.value)}>
          {option.label}
        </button>
      ))}
    </div>
  );
}
