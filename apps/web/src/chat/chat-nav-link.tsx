import { useUnreadCounts } from '@tandem/react';
import { Link } from '../router/link.tsx';
import { chatHref } from './room-title.ts';

/** "Chat" in the workspace navigation, with the total unread count as a badge. */
export function ChatNavLink({ workspaceId, current }: { workspaceId: string; current: boolean }) {
  const { counts } = useUnreadCounts(workspaceId);
  return (
    <Link href={chatHref(workspaceId)} aria-current={current ? 'page' : undefined}>
      Chat
      {counts.total > 0 && (
        <span className="badge chat-unread">
          {counts.total}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
    </Link>
  );
}
