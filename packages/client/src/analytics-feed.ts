import type { AnalyticsUpdate } from '@tandem/protocol';
import type { Room } from './room.ts';
import type { TandemClient } from './tandem-client.ts';

/** The room of a workspace's live analytics (its admins and the members granted analytics access). */
export function analyticsRoom(workspaceId: string): string {
  return `analytics:${workspaceId}`;
}

/**
 * Follows the `analytics:{workspace}` room: the latest `analytics_update` (about once a second
 * while a site has traffic). Listeners are plain callbacks, so a chart can draw each update
 * without a UI framework re-rendering; {@link latest} serves bindings that do re-render.
 */
export class AnalyticsFeed {
  #latest: AnalyticsUpdate | null = null;
  readonly #listeners = new Set<(update: AnalyticsUpdate) => void>();
  /** The room followed; its `state` and `error` say whether the server let us in. */
  readonly room: Room;

  constructor(client: TandemClient, workspaceId: string) {
    this.room = client.room(analyticsRoom(workspaceId));
  }

  /** The last update received (null before the first one). */
  get latest(): AnalyticsUpdate | null {
    return this.#latest;
  }

  /** Calls `listener` with every `analytics_update`; returns the function that stops. */
  onUpdate(listener: (update: AnalyticsUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Holds the room and starts listening; returns the function that stops. */
  start(): () => void {
    const stops = [
      this.room.on('analytics_update', (signal) => {
        this.#latest = signal.data;
        for (const listener of [...this.#listeners]) AnalyticsFeed.#call(listener, signal.data);
      }),
      this.room.subscribe(),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  static #call(listener: (update: AnalyticsUpdate) => void, update: AnalyticsUpdate): void {
    try {
      listener(update);
    } catch (err) {
      // One faulty view must not keep the update from the others.
      console.error('Tandem: an analytics feed listener threw', err);
    }
  }
}
