import type { SeenByUser } from '@tandem/client';
import { roomName } from '@tandem/protocol';
import { useTandemClient } from '@tandem/react';
import { useEffect, useState } from 'react';
import { Avatar } from '../ui/avatar.tsx';

/** Avatars of the members who have read up to a message, refreshed on every read receipt of the room. */
export function SeenBy({ roomId, messageId, colorOf }: { roomId: string; messageId: string; colorOf: (userId: string) => string }) {
  const client = useTandemClient();
  const [users, setUsers] = useState<readonly SeenByUser[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      client.chat.seenBy(messageId).then(
        (next) => live && setUsers(next),
        () => undefined,
      );
    void load();
    const off = client.room(roomName('chat', roomId)).on('chat_read', () => void load());
    return () => {
      live = false;
      off();
    };
  }, [client, roomId, messageId]);
  if (users.length === 0) return null;
  const names = users.map((u) => u.name).join(', ');
  return (
    <div className="seen-by" title={`Seen by ${names}`}>
      <span className="muted">Seen by</span>
      <span className="avatar-stack">
        {users.slice(0, 5).map((u) => (
          <Avatar key={u.id} name={u.name} color={colorOf(u.id)} size="sm" />
        ))}
      </span>
    </div>
  );
}
