import type { ServerSignal } from '@tandem/protocol';
import type { Bus } from '../backends/bus.ts';
import type { RoomSignals } from '../gateway-api.ts';

/** Sends ephemeral signals to a room on every node, through the bus. */
export class SignalPublisher implements RoomSignals {
  constructor(private readonly bus: Bus) {}

  /** Publishes `signal` to every subscriber of `room` except the connection `except`. */
  async publish(room: string, signal: ServerSignal, except?: string): Promise<void> {
    await this.bus.publish(except ? { kind: 'signal', room, signal, except } : { kind: 'signal', room, signal });
  }
}
