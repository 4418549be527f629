import type { Typer } from '@tandem/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useTyping} returns. */
export interface UseTypingResult {
  /** Others typing in the room now (a typer expires 5 s after their last signal). */
  readonly typers: readonly Typer[];
  /** Call on every keystroke, with the thread's root id when typing in a thread; the signal is throttled. */
  notifyTyping(threadId?: string | null): void;
  /** Call after sending (in that thread), so the next keystroke signals at once. */
  reset(threadId?: string | null): void;
}

/** Who is typing in a chat room, and the user's own (throttled) typing signal. */
export function useTyping(roomId: string | null): UseTypingResult {
  const client = useTandemClient();
  const typing = useMemo(() => (roomId ? client.chat.typing(roomId) : null), [client, roomId]);
  useEffect(() => typing?.start(), [typing]);
  const subscribe = useCallback((onChange: () => void) => typing?.subscribe(onChange) ?? (() => undefined), [typing]);
  const typers = useSyncExternalStore(subscribe, () => typing?.typers ?? NOBODY);
  return useMemo(
    () => ({
      typers,
      notifyTyping: (threadId?: string | null) => typing?.notifyTyping(threadId ?? null),
      reset: (threadId?: string | null) => typing?.reset(threadId ?? null),
    }),
    [typing, typers],
  );
}

const NOBODY: readonly Typer[] = [];
