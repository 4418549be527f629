import type { Typer } from '@tandem/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useTyping} returns. */
export interface UseTypingResult {
  /** Others typing in the room now (a typer expires 5 s after their last signal). */
  readonly typers: readonly Typer[];
  /** Call on every keystroke; the signal is throttled. */
  notifyTyping(): void;
  /** Call after sending, so the next keystroke signals at once. */
  reset(): void;
}

/** Who is typing in a chat room, and the user's own (throttled) typing signal. */
export function useTyping(roomId: string | null): UseTypingResult {
  const client = useTandemClient();
  const typing = useMemo(() => (roomId ? client.chat.typing(roomId) : null), [client, roomId]);
  useEffect(() => typing?.start(), [typing]);
  const subscribe = useCallback((onChange: () => void) => typing?.subscribe(onChange) ?? (() => undefined), [typing]);
  const typers = useSyncExternalStore(subscribe, () => typing?.typers ?? NOBODY);
  return useMemo(() => ({ typers, notifyTyping: () => typing?.notifyTyping(), reset: () => typing?.reset() }), [typing, typers]);
}

const NOBODY: readonly Typer[] = [];
