import type { ClientMessage, DurableEvent } from '@tandem/protocol';
import type { OutgoingMessage } from './outgoing-queue.ts';
import type { Ack } from './pending-requests.ts';
import { Room } from './room.ts';
import { TandemError } from './tandem-error.ts';

/** A presence announcement as the client keeps it, to re-announce after reconnects. */
export type PresenceAnnouncement = Omit<Extract<ClientMessage, { type: 'presence' }>, 'id'>;

/** What {@link RoomSubscriptions} needs from the client to talk to the server. */
export interface RoomWire {
  /** Whether a link is up now. */
  connected(): boolean;
  /** Sends a message and waits for its ack. */
  request(message: OutgoingMessage): Promise<Ack>;
  /** Sends now if connected, otherwise drops (for state that is re-announced on connect). */
  sendNow(message: ClientMessage): void;
}

/**
 * The client's rooms and their server-side subscriptions: a room is subscribed while held,
 * resubscribed from its last seq after every reconnect (and after a gap), and the user's
 * presence in it is re-announced.
 */
export class RoomSubscriptions {
  readonly #rooms = new Map<string, Room>();
  readonly #presence = new Map<string, PresenceAnnouncement>();
  readonly #repairing = new Set<string>();

  constructor(private readonly wire: RoomWire) {}

  /** The room with this name (created on first use). */
  room(name: string): Room {
    let room = this.#rooms.get(name);
    if (!room) {
      room = new Room(name, { join: (r) => this.#join(r), leave: (r) => this.#leave(r) });
      this.#rooms.set(name, room);
    }
    return room;
  }

  /** The room with this name if it exists (never creates one). */
  find(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** Every room someone holds. */
  held(): Room[] {
    return [...this.#rooms.values()].filter((room) => room.held);
  }

  /** Every room the client knows. */
  all(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /** Keeps the user's presence in a room and sends it now if the room is held. */
  setPresence(message: PresenceAnnouncement): void {
    this.#presence.set(message.room, message);
    if (this.room(message.room).held) this.wire.sendNow(message as ClientMessage);
  }

  /** After connecting: subscribes every held room, then re-announces presence in them (order matters on the wire). */
  resubscribe(): void {
    this.#repairing.clear();
    for (const room of this.held()) this.#subscribeOnServer(room);
    for (const [name, message] of this.#presence) if (this.#rooms.get(name)?.held) this.wire.sendNow(message as ClientMessage);
  }

  /** Delivers a durable event to its room; a gap resumes the room from its last seq. */
  deliverDurable(event: DurableEvent): void {
    const room = this.#rooms.get(event.room);
    if (!room?.held) return;
    if (room.deliverDurable(event) === 'gap') this.#repair(room);
  }

  #join(room: Room): void {
    if (this.wire.connected()) this.#subscribeOnServer(room);
  }

  #leave(room: Room): void {
    this.#presence.delete(room.name);
    room.markUnsubscribed();
    if (this.wire.connected()) this.wire.request({ type: 'unsubscribe', room: room.name }).catch(() => undefined);
  }

  #subscribeOnServer(room: Room): void {
    room.markSubscribing();
    const since = room.lastSeq;
    this.wire.request({ type: 'subscribe', room: room.name, ...(since !== null ? { since } : {}) }).then(
      (ack) => {
        if (room.held) room.markSubscribed(typeof ack.seq === 'number' ? ack.seq : null);
      },
      (error: unknown) => {
        if (error instanceof TandemError && error.code !== 'unavailable') room.markFailed(error);
      },
    );
  }

  /**
   * Resumes a room from its last seq after a gap: subscribing again replaces the server-side
   * subscription (presence stays) and replays what is missing.
   */
  #repair(room: Room): void {
    if (this.#repairing.has(room.name) || !this.wire.connected()) return;
    this.#repairing.add(room.name);
    room.markSubscribing();
    const since = room.lastSeq;
    this.wire.request({ type: 'subscribe', room: room.name, ...(since !== null ? { since } : {}) }).then(
      (ack) => {
        this.#repairing.delete(room.name);
        if (room.held) room.markSubscribed(typeof ack.seq === 'number' ? ack.seq : null);
      },
      () => this.#repairing.delete(room.name),
    );
  }
}
