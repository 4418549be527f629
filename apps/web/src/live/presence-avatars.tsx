import type { PresenceEntry } from '@tandem/protocol';
import { Avatar } from '../ui/avatar.tsx';

/** Avatars of the people in a room (the current user first, then by arrival), with a count past `max`. */
export function PresenceAvatars({ users, meId, max = 5 }: { users: readonly PresenceEntry[]; meId: string; max?: number }) {
  const sorted = [...users].sort((a, b) => (a.user_id === meId ? -1 : b.user_id === meId ? 1 : a.since.localeCompare(b.since)));
  const shown = sorted.slice(0, max);
  const names = sorted.map((u) => (u.user_id === meId ? `${u.name} (you)` : u.name)).join(', ');
  return (
    <ul className="avatar-stack presence" aria-label={`Here now: ${names}`}>
      {shown.map((u) => (
        <li key={u.user_id} data-user-id={u.user_id}>
          <Avatar
            name={u.name}
            color={u.color}
            title={`${u.user_id === meId ? `${u.name} (you)` : u.name} — ${u.action}${u.status !== 'online' ? `, ${u.status}` : ''}`}
          />
        </li>
      ))}
      {sorted.length > max && (
        <li>
          <span className="avatar avatar-md avatar-more">+{sorted.length - max}</span>
        </li>
      )}
    </ul>
  );
}
