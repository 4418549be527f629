/** The channels a notification can reach a user on, in the order the matrix shows them. */
export const CHANNELS = [
  { value: 'in_app', label: 'In app' },
  { value: 'email', label: 'Email' },
  { value: 'push', label: 'Browser push' },
] as const;

/** A delivery channel's wire name. */
export type Channel = (typeof CHANNELS)[number]['value'];

/** Quiet hours: email and push held from `start` to `end` (HH:MM) in `time_zone`. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
  readonly time_zone: string;
}

/** A user's notification preferences as the API returns them. */
export interface Preferences {
  readonly channels: Readonly<Record<string, Readonly<Partial<Record<Channel, boolean>>>>>;
  readonly quiet_hours: QuietHours | null;
  readonly email_delivery: string;
}

/** A change sent with PUT /notifications/preferences (the server merges it into what it has). */
export type PreferencesPatch = Partial<Preferences>;

/** `old` with `patch` applied as the server applies it (channels merged per type). */
export function mergePreferences(old: Preferences, patch: PreferencesPatch): Preferences {
  const channels = { ...old.channels };
  for (const [type, value] of Object.entries(patch.channels ?? {})) channels[type] = { ...channels[type], ...value } as Record<Channel, boolean>;
  return { ...old, ...patch, channels };
}
