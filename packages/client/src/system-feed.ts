import type { AlertInfo, MetricsUpdate } from '@tandem/protocol';
import type { TandemClient } from './tandem-client.ts';

/** The room the server broadcasts live metrics and alerts to (owners and admins only). */
export const SYSTEM_ROOM = 'system';

/**
 * Follows the `system` room: the latest `metrics_update` (every second) and every `alert`
 * signal. Listeners are plain callbacks so a chart can append a point per second without a
 * UI framework re-rendering anything; {@link latest} serves bindings that do want to re-render.
 */
export class SystemFeed {
  #latest: MetricsUpdate | null = null;
  readonly #metricsListeners = new Set<(update: MetricsUpdate) => void>();
  readonly #alertListeners = new Set<(alert: AlertInfo) => void>();

  constructor(private readonly client: TandemClient) {}

  /** The last metrics received (null before the first one). */
  get latest(): MetricsUpdate | null {
    return this.#latest;
  }

  /** Calls `listener` with every `metrics_update`; returns the function that stops. */
  onMetrics(listener: (update: MetricsUpdate) => void): () => void {
    this.#metricsListeners.add(listener);
    return () => this.#metricsListeners.delete(listener);
  }

  /** Calls `listener` with every `alert` signal of the room; returns the function that stops. */
  onAlert(listener: (alert: AlertInfo) => void): () => void {
    this.#alertListeners.add(listener);
    return () => this.#alertListeners.delete(listener);
  }

  /** Holds the `system` room and starts listening; returns the function that stops. */
  start(): () => void {
    const room = this.client.room(SYSTEM_ROOM);
    const stops = [
      room.on('metrics_update', (signal) => {
        this.#latest = signal.data;
        for (const listener of [...this.#metricsListeners]) SystemFeed.#call(listener, signal.data);
      }),
      room.on('alert', (signal) => {
        for (const listener of [...this.#alertListeners]) SystemFeed.#call(listener, signal.data);
      }),
      room.subscribe(),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  static #call<T>(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (err) {
      // One faulty chart must not starve the others of their points.
      console.error('Tandem: a system feed listener threw', err);
    }
  }
}
