import type { PresenceStatus } from '@tandem/protocol';
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

/** The presence status the page's visibility suggests: `away` while the tab is hidden, else `online`. */
export function usePageVisibilityStatus(): PresenceStatus {
  return useSyncExternalStore(subscribe, () => (document.visibilityState === 'hidden' ? 'away' : 'online'));
}
