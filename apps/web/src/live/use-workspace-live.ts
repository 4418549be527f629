import { roomName } from '@tandem/protocol';
import { useRoom } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { activityKeys } from '../activity/workspace-activity-queries.ts';
import { ME_KEY } from '../api/session.ts';
import { tableKeys } from '../grid/table-queries.ts';
import { membersKey } from '../workspaces/workspace-queries.ts';

const MEMBER_EVENTS = new Set(['member_added', 'member_updated', 'member_removed']);
const TABLE_EVENTS = new Set(['table_created', 'table_updated', 'table_deleted']);
const COMMENT_EVENTS = new Set(['comment_created', 'comment_updated', 'comment_deleted']);

/**
 * Keeps workspace-wide lists current while a workspace is open: members and roles (and the
 * user's own role, in `me`), the table list, and the discussions of activity entries (their
 * comments go to this room), from the `workspace:{id}` room.
 */
export function useWorkspaceLive(workspaceId: string | null): void {
  const queries = useQueryClient();
  useRoom(workspaceId ? roomName('workspace', workspaceId) : null, (event) => {
    if (!workspaceId) return;
    if (MEMBER_EVENTS.has(event.type)) {
      void queries.invalidateQueries({ queryKey: membersKey(workspaceId) });
      void queries.invalidateQueries({ queryKey: ME_KEY });
    }
    if (TABLE_EVENTS.has(event.type)) void queries.invalidateQueries({ queryKey: tableKeys.list(workspaceId) });
    if (COMMENT_EVENTS.has(event.type) && 'data' in event) {
      const activityId = (event.data as { activity_id?: string | null }).activity_id;
      if (activityId) void queries.invalidateQueries({ queryKey: activityKeys.comments(activityId) });
    }
  });
}
