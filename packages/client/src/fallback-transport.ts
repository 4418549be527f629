import { isApplicationCloseCode } from '@tandem/protocol';
import type { LinkHandlers, Transport, TransportLink } from './transport.ts';

/** WebSocket attempts that must fail before the first welcome until `auto` switches to SSE. */
export const WEBSOCKET_FALLBACK_AFTER_FAILURES = 3;

/**
 * The `auto` transport: WebSocket first; when it never gets as far as the server's welcome
 * {@link WEBSOCKET_FALLBACK_AFTER_FAILURES} times in a row (a proxy that blocks upgrades, say),
 * SSE from then on. Once a WebSocket has worked, it stays: later drops are ordinary outages.
 */
export class FallbackTransport implements Transport {
  #failures = 0;
  #worked = false;
  #current: Transport;

  constructor(
    private readonly primary: Transport,
    private readonly fallback: Transport,
    private readonly threshold = WEBSOCKET_FALLBACK_AFTER_FAILURES,
  ) {
    this.#current = primary;
  }

  /** The kind of the transport in use now. */
  get kind(): Transport['kind'] {
    return this.#current.kind;
  }

  async open(handlers: LinkHandlers): Promise<TransportLink> {
    const transport = this.#current;
    if (transport !== this.primary) return transport.open(handlers);
    let ready = false;
    return transport.open({
      ...handlers,
      onReady: (welcome) => {
        ready = true;
        this.#worked = true;
        this.#failures = 0;
        handlers.onReady(welcome);
      },
      onClose: (code, reason) => {
        // Only transport-level failures (`abnormal` and friends) hint at a blocked upgrade;
        // application codes come from a server that was reached.
        if (!ready && !this.#worked && !isApplicationCloseCode(code)) {
          this.#failures += 1;
          if (this.#failures >= this.threshold) this.#current = this.fallback;
        }
        handlers.onClose(code, reason);
      },
    });
  }
}
