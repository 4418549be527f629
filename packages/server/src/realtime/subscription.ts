import type { DurableEvent } from '@tandem/protocol';
import type { Connection } from './connection.ts';

/**
 * One connection's membership in one room. While it replays history it is not `live`: events
 * the room delivers meanwhile are buffered and sent after the replay, skipping any the replay
 * already covered, so the client sees every seq exactly once and in order.
 */
export class Subscription {
  #live = false;
  #buffer: [DurableEvent, string][] = [];
  /** False once unsubscribed or the connection closed; a running replay then stops. */
  active = true;

  constructor(
    readonly connection: Connection,
    readonly room: string,
    /** The last seq this client has (sent or, when subscribing, claimed via `since`). */
    public lastSeq: number,
  ) {}

  /** Called by the room for each event, in seq order; `json` is the event serialised once for every subscriber. */
  receive(event: DurableEvent, json: string): void {
    if (!this.active) return;
    if (!this.#live) {
      this.#buffer.push([event, json]);
      return;
    }
    this.#send(event, json);
  }

  /** Sends a replayed event (already read from the log). */
  replay(event: DurableEvent): void {
    this.#send(event, JSON.stringify(event));
  }

  /** Ends the replay: flushes buffered events newer than the replay and turns live. */
  goLive(): void {
    const buffered = this.#buffer;
    this.#buffer = [];
    this.#live = true;
    for (const [event, json] of buffered) this.#send(event, json);
  }

  #send(event: DurableEvent, json: string): void {
    if (!this.active || event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.connection.transport.sendEvent(event, json);
  }
}
