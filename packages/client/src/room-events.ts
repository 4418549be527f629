import type { DurableEvent, DurableEventType, ServerSignal, TypedDurableEvent } from '@tandem/protocol';
import type { TandemError } from './tandem-error.ts';

/** Server signals addressed to a room (they all carry `room`). */
export type RoomSignal = Extract<ServerSignal, { readonly room: string }>;

/** Emitted by the SDK when the room's subscription is confirmed; `seq` is the last seq seen. */
export interface SubscribedEvent {
  readonly type: 'subscribed';
  readonly room: string;
  readonly seq: number | null;
}

/** Emitted by the SDK when the server refused the subscription (e.g. `forbidden`, `not_found`). */
export interface SubscriptionErrorEvent {
  readonly type: 'subscription_error';
  readonly room: string;
  readonly error: TandemError;
}

/**
 * Every event a room listener can ask for, by `type`: durable events, the room-scoped server
 * signals (presence, cursors, locks, `resync`, …) and the SDK's own subscription events.
 * A durable event's `data` has the type the protocol's `DurableEventData` declares for it.
 * `'*'` receives all of them.
 */
export type RoomEventMap = { readonly [K in DurableEventType]: TypedDurableEvent<K> } & { readonly [S in RoomSignal as S['type']]: S } & {
  readonly subscribed: SubscribedEvent;
  readonly subscription_error: SubscriptionErrorEvent;
  readonly '*': DurableEvent | RoomSignal | SubscribedEvent | SubscriptionErrorEvent;
};

/** A type a room listener can subscribe to. */
export type RoomEventType = keyof RoomEventMap;

/** Anything a room delivers to listeners. */
export type RoomEvent = RoomEventMap['*'];

/** True when a server message is a durable event (it has a `seq`, a `ts` and `data`). */
export function isDurableEvent(message: { readonly type: string }): message is DurableEvent {
  const m = message as Partial<DurableEvent>;
  return typeof m.seq === 'number' && typeof m.ts === 'string' && typeof m.room === 'string' && 'data' in m;
}
