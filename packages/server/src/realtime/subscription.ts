import type { DurableEvent } from '@tandem/protocol';
import type { Connection } from './connection.ts';
import { Frame } from './frame.ts';

/**
 * One connection's membership in one room. While it replays history it is not `live`: events
 * the room delivers meanwhile are buffered and sent after the replay, skipping any the replay
 * already covered, so the client sees every seq exactly once and in order.
 */
export class Subscription {
  #live = false;
  /** Events that arrived during the replay; made by the first one (most replays see none). */
  #buffer: [DurableEvent, Frame][] | null = null;
  /** False once unsubscribed or the connection closed; a running replay then stops. */
  active = true;

  constructor(
    readonly connection: Connection,
    readonly room: string,
    /** The last seq this client has (sent or, when subscribing, claimed via `since`). */
    public lastSeq: number,
  ) {}

  /** Called by the room for each event, in seq order; `frame` is the event serialised once for every subscriber. */
  receive(event: DurableEvent, frame: Frame): void {
    if (!this.active) return;
    if (!this.#live) {
      this.#buffer ??= [];
      this.#buffer.push([event, frame]);
      return;
    }
    this.#send(event, frame);
  }

  /**
   * Sends a replayed event: from the room's recent events with the `frame` live subscribers got,
   * or read from the log (serialised here).
   */
  replay(event: DurableEvent, frame?: Frame): void {
    if (!this.active || event.seq <= this.lastSeq) return;
    this.#send(event, frame ?? Frame.of(event));
  }

  /** Ends the replay: flushes buffered events newer than the replay and turns live. */
  goLive(): void {
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    this.#live = true;
    for (const [event, frame] of buffered) this.#send(event, frame);
  }

  #send(event: DurableEvent, frame: Frame): void {
    if (!this.active || event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.connection.transport.sendEvent(event, frame);
  }
}
