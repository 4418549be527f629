import type { BusMessage, ControlMessage } from '../backends/bus.ts';
import { Frame } from './frame.ts';
import type { RoomRegistry } from './room-registry.ts';

/**
 * Delivers what the bus brings to this node's subscribers: a durable event to its room's
 * channel (which orders, numbers-checks and sends it), an ephemeral signal straight to the room's
 * live subscribers except the one it names, serialised once for all of them, and control
 * messages to `onControl`.
 */
export function busFanout(rooms: RoomRegistry, onControl: (control: ControlMessage) => void): (message: BusMessage) => void {
  return (message) => {
    if (message.kind === 'event') {
      rooms.get(message.event.room)?.push(message.event);
    } else if (message.kind === 'signal') {
      const channel = rooms.get(message.room);
      if (!channel || channel.subscribers.size === 0) return;
      const frame = Frame.of(message.signal);
      for (const sub of channel.subscribers) {
        if (sub.active && sub.connection.id !== message.except) sub.connection.transport.sendSignal(frame, message.signal.type);
      }
    } else {
      onControl(message.control);
    }
  };
}
