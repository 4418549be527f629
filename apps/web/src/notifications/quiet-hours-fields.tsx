import { useId } from 'react';
import type { PreferencesPatch, QuietHours } from './preference-types.ts';

/** The zones to choose from, with `current` among them: browsers leave "UTC" out of their list, so a select on it would show the first zone instead. */
function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes(current) ? zones : [current, ...zones];
}

/** The quiet-hours switch and, when on, its start, end and time zone (times saved when left). */
export function QuietHoursFields({ quiet, onChange }: { quiet: QuietHours | null; onChange: (patch: PreferencesPatch) => void }) {
  const ids = { start: useId(), end: useId(), tz: useId() };
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <>
      <label className="check-row">
        <input
          type="checkbox"
          checked={quiet !== null}
          onChange={(e) => onChange({ quiet_hours: e.target.checked ? { start: '22:00', end: '07:00', time_zone: localZone } : null })}
        />
        Hold email and push during quiet hours
      </label>
      {quiet && (
        <div className="setting-inline">
          <label htmlFor={ids.start}>From</label>
          <input id={ids.start} type="time" defaultValue={quiet.start} onBlur={(e) => onChange({ quiet_hours: { ...quiet, start: e.target.value } })} />
          <label htmlFor={ids.end}>to</label>
          <input id={ids.end} type="time" defaultValue={quiet.end} onBlur={(e) => onChange({ quiet_hours: { ...quiet, end: e.target.value } })} />
          <label htmlFor={ids.tz}>Time zone</label>
          <select id={ids.tz} value={quiet.time_zone} onChange={(e) => onChange({ quiet_hours: { ...quiet, time_zone: e.target.value } })}>
            {timeZones(quiet.time_zone).map((tz) => (
              <option key={tz} value={tz}>
                {tz}
              </option>
            ))}
          </select>
        </div>
      )}
    </>
  );
}
