import { useId, useState } from 'react';
import { Segmented } from '../ui/segmented.tsx';
import {
  customRange,
  type DateRange,
  dayValue,
  describeRange,
  presetRange,
  previousRange,
  RANGE_LABELS,
  RANGE_PRESETS,
  type RangePreset,
} from './date-range.ts';

/** The period picker: presets, or two days of a custom period; names the period compared with. */
export function DateRangePicker({ range, onChange }: { range: DateRange; onChange: (range: DateRange) => void }) {
  const id = useId();
  const [fromDay, setFromDay] = useState(dayValue(range.from));
  const [toDay, setToDay] = useState(dayValue(new Date(range.to.getTime() - 1)));
  const [custom, setCustom] = useState(range.preset === 'custom');
  const choose = (preset: RangePreset) => {
    if (preset === 'custom') {
      setCustom(true);
      const r = customRange(fromDay, toDay);
      if (r) onChange(r);
      return;
    }
    setCustom(false);
    const r = presetRange(preset);
    setFromDay(dayValue(r.from));
    setToDay(dayValue(new Date(r.to.getTime() - 1)));
    onChange(r);
  };
  const applyCustom = (from: string, to: string) => {
    setFromDay(from);
    setToDay(to);
    const r = customRange(from, to);
    if (r) onChange(r);
  };
  const invalid = custom && customRange(fromDay, toDay) === null;
  return (
    <div className="an-range">
      <Segmented
        label="Period"
        options={RANGE_PRESETS.map((p) => ({ value: p, label: RANGE_LABELS[p] }))}
        value={custom ? 'custom' : range.preset}
        onChange={choose}
      />
      {custom && (
        <span className="an-range-custom">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={fromDay} max={toDay} onChange={(e) => applyCustom(e.target.value, toDay)} />
          <label htmlFor={`${id}-to`}>to</label>
          <input id={`${id}-to`} type="date" value={toDay} min={fromDay} onChange={(e) => applyCustom(fromDay, e.target.value)} />
        </span>
      )}
      <span className="muted an-range-text" data-testid="range-text">
        {invalid ? 'The first day must not be after the last.' : `${describeRange(range)}, compared with ${describeRange(previousRange(range))} (days in UTC)`}
      </span>
    </div>
  );
}
