import { AnalyticsFeed, type RoomState, type TandemError } from '@tandem/client';
import type { AnalyticsUpdate } from '@tandem/protocol';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useAnalyticsLive} returns. */
export interface UseAnalyticsLiveResult {
  /** The latest `analytics_update` of the workspace (null before the first); re-renders on each. */
  readonly latest: AnalyticsUpdate | null;
  /** The subscription's state: `error` when the server refused it (no analytics access). */
  readonly state: RoomState;
  /** Why the server refused the subscription, while `state` is `error`. */
  readonly error: TandemError | null;
}

/**
 * The live analytics of a workspace from its `analytics:{workspace}` room (visitors now, page
 * views per second, the newest page views), held while mounted and re-rendering about once a
 * second while its sites have traffic. Pass null to follow nothing.
 */
export function useAnalyticsLive(workspaceId: string | null): UseAnalyticsLiveResult {
  const client = useTandemClient();
  const feed = useMemo(() => (workspaceId ? new AnalyticsFeed(client, workspaceId) : null), [client, workspaceId]);
  useEffect(() => feed?.start(), [feed]);
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!feed) return () => undefined;
      const stops = [feed.onUpdate(onChange), feed.room.onChange(onChange)];
      return () => {
        for (const stop of stops) stop();
      };
    },
    [feed],
  );
  const latest = useSyncExternalStore(subscribe, () => feed?.latest ?? null);
  const state = useSyncExternalStore(subscribe, () => feed?.room.state ?? 'unsubscribed');
  const error = useSyncExternalStore(subscribe, () => feed?.room.error ?? null);
  return useMemo(() => ({ latest, state, error }), [latest, state, error]);
}
