import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../api/http.ts';
import { Link } from '../router/link.tsx';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { NOTIFICATION_TYPE_LABELS } from './notification-types.ts';
import { enableBrowserPush, pushSupported } from './push-subscription.ts';

const CHANNELS = [
  { value: 'in_app', label: 'In app' },
  { value: 'email', label: 'Email' },
  { value: 'push', label: 'Browser push' },
] as const;
type Channel = (typeof CHANNELS)[number]['value'];

const DELIVERY = [
  { value: 'immediate', label: 'Right away' },
  { value: 'hourly', label: 'Hourly digest' },
  { value: 'daily', label: 'Daily digest' },
  { value: 'weekly', label: 'Weekly digest' },
] as const;

/** A user's notification preferences as the API returns them. */
interface Preferences {
  readonly channels: Readonly<Record<string, Readonly<Partial<Record<Channel, boolean>>>>>;
  readonly quiet_hours: { readonly start: string; readonly end: string; readonly time_zone: string } | null;
  readonly email_delivery: string;
}

function mergePreferences(old: Preferences, patch: Partial<Preferences>): Preferences {
  const channels = { ...old.channels };
  for (const [type, value] of Object.entries(patch.channels ?? {})) channels[type] = { ...channels[type], ...value } as Record<Channel, boolean>;
  return { ...old, ...patch, channels };
}

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [Intl.DateTimeFormat().resolvedOptions().timeZone];
}

/** Type × channel matrix, quiet hours with a time zone, digest frequency and browser push. */
export function PreferencesPage() {
  const queries = useQueryClient();
  const prefs = useQuery({ queryKey: ['notification-preferences'], queryFn: () => api.get<Preferences>('/notifications/preferences') });
  // Changes on their way to the server, shown on top of what it last said. They are React state, set
  // in the input's own event, so a checkbox never flips back for a moment while its save starts.
  const [unsaved, setUnsaved] = useState<readonly Partial<Preferences>[]>([]);
  const save = useMutation({
    mutationFn: (patch: Partial<Preferences>) => api.put<Preferences>('/notifications/preferences', patch),
    onSuccess: (data) => queries.setQueryData(['notification-preferences'], data),
    onError: () => void queries.invalidateQueries({ queryKey: ['notification-preferences'] }),
    onSettled: (_data, _err, patch) => setUnsaved((list) => list.filter((p) => p !== patch)),
  });
  const change = (patch: Partial<Preferences>) => {
    setUnsaved((list) => [...list, patch]);
    save.mutate(patch);
  };
  const [pushMessage, setPushMessage] = useState<string | null>(null);
  const ids = { start: useId(), end: useId(), tz: useId(), delivery: useId() };

  if (prefs.isPending) return <LoadingState label="Loading preferences" />;
  if (prefs.isError) return <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />;
  const p = unsaved.reduce(mergePreferences, prefs.data);
  const quiet = p.quiet_hours;
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <section className="content" aria-labelledby="prefs-title">
      <div className="page-head panel-row">
        <h1 id="prefs-title">Notification preferences</h1>
        <Link href="/notifications">Back to notifications</Link>
      </div>
      {save.isError && (
        <p className="form-error" role="alert">
          {errorMessage(save.error)}
        </p>
      )}
      <table className="data-table prefs-matrix">
        <caption className="visually-hidden">Which notifications reach you on which channel</caption>
        <thead>
          <tr>
            <th scope="col">Notification</th>
            {CHANNELS.map((c) => (
              <th key={c.value} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(p.channels).map(([type, channels]) => (
            <tr key={type}>
              <th scope="row">{NOTIFICATION_TYPE_LABELS[type] ?? type}</th>
              {CHANNELS.map((c) => (
                <td key={c.value}>
                  <input
                    type="checkbox"
                    aria-label={`${NOTIFICATION_TYPE_LABELS[type] ?? type} by ${c.label}`}
                    checked={channels[c.value] === true}
                    onChange={(e) => change({ channels: { [type]: { [c.value]: e.target.checked } } })}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>

      <fieldset className="card panel">
        <legend>Quiet hours</legend>
        <label className="check-row">
          <input
            type="checkbox"
            checked={quiet !== null}
            onChange={(e) => change({ quiet_hours: e.target.checked ? { start: '22:00', end: '07:00', time_zone: localZone } : null })}
          />
          Hold email and push during quiet hours (in-app still arrives; urgent alerts always do)
        </label>
        {quiet && (
          <div className="panel-row">
            <label htmlFor={ids.start}>From</label>
            <input id={ids.start} type="time" defaultValue={quiet.start} onBlur={(e) => change({ quiet_hours: { ...quiet, start: e.target.value } })} />
            <label htmlFor={ids.end}>to</label>
            <input id={ids.end} type="time" defaultValue={quiet.end} onBlur={(e) => change({ quiet_hours: { ...quiet, end: e.target.value } })} />
            <label htmlFor={ids.tz}>Time zone</label>
            <select id={ids.tz} value={quiet.time_zone} onChange={(e) => change({ quiet_hours: { ...quiet, time_zone: e.target.value } })}>
              {timeZones().map((tz) => (
                <option key={tz} value={tz}>
                  {tz}
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>

      <div className="card panel">
        <label htmlFor={ids.delivery}>Email delivery</label>
        <select id={ids.delivery} value={p.email_delivery} onChange={(e) => change({ email_delivery: e.target.value })}>
          {DELIVERY.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </div>

      <div className="card panel">
        <strong>Browser push</strong>
        <p className="muted">Get notifications from this browser even when Tandem is not open.</p>
        <button
          type="button"
          className="btn"
          disabled={!pushSupported()}
          onClick={async () => {
            try {
              setPushMessage(await enableBrowserPush());
            } catch (err) {
              setPushMessage(`Could not enable push: ${errorMessage(err)}`);
            }
          }}
        >
          Enable browser push
        </button>
        {pushMessage && <p role="status">{pushMessage}</p>}
      </div>
    </section>
  );
}
