import { SystemFeed } from '@tandem/client';
import type { AlertInfo, MetricsUpdate } from '@tandem/protocol';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useSystemMetrics} returns. */
export interface UseSystemMetricsResult {
  /** The latest `metrics_update` (null before the first); re-renders only when `rerender` is set. */
  readonly latest: MetricsUpdate | null;
  /** Calls `listener` with every update without re-rendering; returns the function that stops. */
  subscribe(listener: (update: MetricsUpdate) => void): () => void;
}

/** Options of {@link useSystemMetrics}. */
export interface UseSystemMetricsOptions {
  /** Re-render the component on every update (once a second). Default false. */
  readonly rerender?: boolean;
  /** Follow nothing (e.g. the user is not an owner or admin). Default true. */
  readonly enabled?: boolean;
}

/**
 * The live figures of the server from the `system` room (owners and admins only), held while
 * mounted. Charts should use `subscribe` and update themselves; `rerender: true` suits a small
 * component that shows the current figures.
 */
export function useSystemMetrics(options: UseSystemMetricsOptions = {}): UseSystemMetricsResult {
  const { rerender = false, enabled = true } = options;
  const client = useTandemClient();
  const feed = useMemo(() => (enabled ? new SystemFeed(client) : null), [client, enabled]);
  useEffect(() => feed?.start(), [feed]);
  const subscribe = useCallback((listener: (update: MetricsUpdate) => void) => feed?.onMetrics(listener) ?? (() => undefined), [feed]);
  const storeSubscribe = useCallback((onChange: () => void) => (rerender && feed ? feed.onMetrics(onChange) : () => undefined), [feed, rerender]);
  const latest = useSyncExternalStore(storeSubscribe, () => feed?.latest ?? null);
  return useMemo(() => ({ latest, subscribe }), [latest, subscribe]);
}

/**
 * Calls `handler` for every `alert` signal of the `system` room while mounted (the latest
 * `handler` is used, so it need not be memoised). Pass `enabled: false` to follow nothing.
 */
export function useSystemAlerts(handler: (alert: AlertInfo) => void, enabled = true): void {
  const client = useTandemClient();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (!enabled) return undefined;
    const feed = new SystemFeed(client);
    const off = feed.onAlert((alert) => handlerRef.current(alert));
    const stop = feed.start();
    return () => {
      off();
      stop();
    };
  }, [client, enabled]);
}
