import { NOTIFICATION_TYPE_LABELS } from './notification-types.ts';
import { CHANNELS, type Preferences, type PreferencesPatch } from './preference-types.ts';

/** The notification type × channel table of checkboxes; each tick is saved at once. */
export function ChannelMatrix({ channels, onChange }: { channels: Preferences['channels']; onChange: (patch: PreferencesPatch) => void }) {
  return (
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
        {Object.entries(channels).map(([type, on]) => (
          <tr key={type}>
            <th scope="row">{NOTIFICATION_TYPE_LABELS[type] ?? type}</th>
            {CHANNELS.map((c) => (
              <td key={c.value}>
                <input
                  type="checkbox"
                  aria-label={`${NOTIFICATION_TYPE_LABELS[type] ?? type} by ${c.label}`}
                  checked={on[c.value] === true}
                  onChange={(e) => onChange({ channels: { [type]: { [c.value]: e.target.checked } } })}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
