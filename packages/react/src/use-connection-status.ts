import type { ConnectionStatus } from '@tandem/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** The client's connection status (`connecting`, `connected`, `reconnecting`, `offline`, …), re-rendering on change. */
export function useConnectionStatus(): ConnectionStatus {
  const client = useTandemClient();
  const subscribe = useCallback((onChange: () => void) => client.onStatus(onChange), [client]);
  return useSyncExternalStore(subscribe, () => client.status);
}
