import type { ChatRoom } from '@tandem/client';

/** What a room is called in the list and its header: the other person for a DM, `#name` for a channel. */
export function roomTitle(room: Pick<ChatRoom, 'kind' | 'name' | 'dm_peer'>): string {
  if (room.kind === 'dm') return room.dm_peer?.name ?? 'Direct message';
  if (room.kind === 'channel') return `#${room.name ?? 'channel'}`;
  return room.name ?? (room.kind === 'record' ? 'Record discussion' : 'Group');
}

/** Where a room (and optionally one message of it) opens. */
export function chatHref(workspaceId: string, roomId?: string, messageId?: string): string {
  if (!roomId) return `/w/${workspaceId}/chat`;
  return `/w/${workspaceId}/chat/${roomId}${messageId ? `?message=${messageId}` : ''}`;
}
