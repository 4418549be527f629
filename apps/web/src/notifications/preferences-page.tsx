import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../api/http.ts';
import { Link } from '../router/link.tsx';
import { SettingRow, SettingsPage, SettingsSection } from '../ui/settings-section.tsx';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { type SaveStatus, useSaveStatus } from '../ui/use-save-status.ts';
import { ChannelMatrix } from './channel-matrix.tsx';
import { mergePreferences, type Preferences, type PreferencesPatch } from './preference-types.ts';
import { enableBrowserPush, pushSupported } from './push-subscription.ts';
import { QuietHoursFields } from './quiet-hours-fields.tsx';

const DELIVERY = [
  { value: 'immediate', label: 'Right away' },
  { value: 'hourly', label: 'Hourly digest' },
  { value: 'daily', label: 'Daily digest' },
  { value: 'weekly', label: 'Weekly digest' },
] as const;

const KEY = ['notification-preferences'] as const;

/** Type × channel matrix, quiet hours with a time zone, digest frequency and browser push, each section saved as it changes. */
export function PreferencesPage() {
  const queries = useQueryClient();
  const prefs = useQuery({ queryKey: KEY, queryFn: () => api.get<Preferences>('/notifications/preferences') });
  // Changes on their way to the server, shown on top of what it last said. They are React state, set
  // in the input's own event, so a checkbox never flips back for a moment while its save starts.
  const [unsaved, setUnsaved] = useState<readonly PreferencesPatch[]>([]);
  const save = useMutation({
    mutationFn: (patch: PreferencesPatch) => api.put<Preferences>('/notifications/preferences', patch),
    onSuccess: (data) => queries.setQueryData(KEY, data),
    onError: () => void queries.invalidateQueries({ queryKey: KEY }),
    onSettled: (_data, _err, patch) => setUnsaved((list) => list.filter((p) => p !== patch)),
  });
  const status = { channels: useSaveStatus(), quiet: useSaveStatus(), email: useSaveStatus() };
  const changeIn = (section: SaveStatus) => (patch: PreferencesPatch) => {
    setUnsaved((list) => [...list, patch]);
    void section.track(save.mutateAsync(patch));
  };
  const [pushMessage, setPushMessage] = useState<string | null>(null);
  const deliveryId = useId();

  const head = { title: 'Notification preferences', titleId: 'prefs-title', actions: <Link href="/notifications">Back to notifications</Link> };
  if (prefs.isPending)
    return (
      <SettingsPage {...head}>
        <LoadingState label="Loading preferences" />
      </SettingsPage>
    );
  if (prefs.isError)
    return (
      <SettingsPage {...head}>
        <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />
      </SettingsPage>
    );
  const p = unsaved.reduce(mergePreferences, prefs.data);

  return (
    <SettingsPage {...head} description="What reaches you, where and when. Every change is saved as you make it.">
      <SettingsSection title="Channels" description="Which notifications reach you in the app, by email and as browser push." status={status.channels.state}>
        <ChannelMatrix channels={p.channels} onChange={changeIn(status.channels)} />
      </SettingsSection>

      <SettingsSection
        title="Quiet hours"
        description="Email and push wait until quiet hours end; in-app notifications still arrive and urgent alerts always do."
        status={status.quiet.state}
      >
        <QuietHoursFields quiet={p.quiet_hours} onChange={changeIn(status.quiet)} />
      </SettingsSection>

      <SettingsSection title="Email" description="Send each email as it happens, or one digest per hour, day or week." status={status.email.state}>
        <SettingRow label="Email delivery" htmlFor={deliveryId} help="Digests gather everything since the last one into one message.">
          <select id={deliveryId} value={p.email_delivery} onChange={(e) => changeIn(status.email)({ email_delivery: e.target.value })}>
            {DELIVERY.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </SettingRow>
      </SettingsSection>

      <SettingsSection title="Browser push" description="Get notifications from this browser even when Tandem is not open.">
        <div className="form-actions form-actions-start">
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
          <span role="status" className="save-status">
            {pushMessage}
          </span>
        </div>
      </SettingsSection>
    </SettingsPage>
  );
}
