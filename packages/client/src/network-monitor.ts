/** Tells the client whether the device has a network, so it pauses retries while it has none. */
export interface NetworkMonitor {
  /** Whether the device currently believes it is online. */
  online(): boolean;
  /** Calls `listener` when the answer changes; returns a function that stops listening. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** A monitor that always says online (Node, or when the app opts out). */
export const ALWAYS_ONLINE: NetworkMonitor = { online: () => true, subscribe: () => () => undefined };

interface BrowserLike {
  readonly navigator?: { readonly onLine?: boolean };
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/** The browser's `online`/`offline` events where they exist, otherwise {@link ALWAYS_ONLINE}. */
export function environmentNetwork(): NetworkMonitor {
  const env = globalThis as BrowserLike;
  const add = env.addEventListener;
  const remove = env.removeEventListener;
  if (typeof env.navigator?.onLine !== 'boolean' || !add || !remove) return ALWAYS_ONLINE;
  return {
    online: () => env.navigator?.onLine !== false,
    subscribe(listener) {
      const up = () => listener(true);
      const down = () => listener(false);
      add.call(env, 'online', up);
      add.call(env, 'offline', down);
      return () => {
        remove.call(env, 'online', up);
        remove.call(env, 'offline', down);
      };
    },
  };
}
