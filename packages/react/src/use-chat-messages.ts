import type { ChatMessage, ChatMessageListOptions, ChatMessageListSnapshot, SendOptions } from '@tandem/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useChatMessages} returns. */
export interface UseChatMessagesResult extends ChatMessageListSnapshot {
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  jumpTo(messageId: string): Promise<void>;
  /** Sends in this room (or thread); shown as pending at once, queued while offline. */
  send(body: string, options?: Omit<SendOptions, 'parentId'>): Promise<ChatMessage>;
}

/**
 * A chat room's messages (or, with `threadId`, one thread's replies), live: new, edited and
 * deleted messages and reactions merge in as they happen, the user's sends show at once.
 * Pass `around` to open centred on a message. Null `roomId` gives an empty, idle list.
 */
export function useChatMessages(roomId: string | null, options: ChatMessageListOptions = {}): UseChatMessagesResult {
  const client = useTandemClient();
  const { threadId, around, pageSize } = options;
  const list = useMemo(() => (roomId ? client.chat.messages(roomId, { threadId, around, pageSize }) : null), [client, roomId, threadId, around, pageSize]);
  useEffect(() => list?.start(), [list]);
  const subscribe = useCallback((onChange: () => void) => list?.subscribe(onChange) ?? (() => undefined), [list]);
  const snapshot = useSyncExternalStore(subscribe, () => list?.snapshot ?? IDLE);
  return useMemo(
    () => ({
      ...snapshot,
      loadOlder: () => list?.loadOlder() ?? Promise.resolve(),
      loadNewer: () => list?.loadNewer() ?? Promise.resolve(),
      jumpTo: (id: string) => list?.jumpTo(id) ?? Promise.resolve(),
      send: (body: string, sendOptions?: Omit<SendOptions, 'parentId'>) => {
        if (!roomId) return Promise.reject(new Error('useChatMessages: no room to send to.'));
        return client.chat.send(roomId, body, { ...sendOptions, ...(threadId ? { parentId: threadId } : {}) });
      },
    }),
    [client, list, roomId, threadId, snapshot],
  );
}

const IDLE: ChatMessageListSnapshot = {
  messages: [],
  pending: [],
  hasOlder: false,
  hasNewer: false,
  loading: false,
  loadingOlder: false,
  error: null,
  focusId: null,
};
