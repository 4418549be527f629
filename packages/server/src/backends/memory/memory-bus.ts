import type { Bus, BusMessage } from '../bus.ts';

/** The in-process bus: one node, delivery on the next microtask, in publish order. */
export class MemoryBus implements Bus {
  readonly #handlers = new Set<(message: BusMessage) => void>();
  #closed = false;

  async publish(message: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('bus closed');
    queueMicrotask(() => {
      if (this.#closed) return;
      for (const handler of this.#handlers) handler(message);
    });
  }

  onMessage(handler: (message: BusMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  onReconnect(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
  }
}
