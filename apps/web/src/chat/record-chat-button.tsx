import { useTandemClient } from '@tandem/react';
import { useState } from 'react';
import { navigate, useLocation } from '../router/router.ts';
import { chatHref } from './room-title.ts';

/** "Discuss": opens the record's chat room (created on first use). */
export function RecordChatButton({ recordId }: { recordId: string }) {
  const client = useTandemClient();
  // The drawer lives on a workspace page: `/w/{workspaceId}/…`.
  const workspaceId = useLocation().path.split('/')[2] ?? '';
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const room = await client.chat.recordRoom(recordId);
          navigate(chatHref(workspaceId, room.id));
        } finally {
          setBusy(false);
        }
      }}
    >
      Discuss
    </button>
  );
}
