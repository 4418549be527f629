import type { DurableEventData, DurableEventType } from '@tandem/protocol';
import type { TestServer } from '../support/server.ts';

/**
 * A made-up payload under a real event type: the log stores and replays whatever it is given, and
 * these tests check numbering, storage and delivery, not what a record looks like.
 */
export function probePayload<T extends DurableEventType>(_type: T, data: Readonly<Record<string, unknown>>): DurableEventData[T] {
  return data as DurableEventData[T];
}

/**
 * Writes durable events the way every domain service does: appended inside a write transaction,
 * sequenced before COMMIT, published on the bus after it.
 */
export async function writeEvents(server: TestServer, room: string, count: number, type: DurableEventType = 'record_updated', writer = 0): Promise<void> {
  const { ctx } = server.tandem;
  for (let i = 0; i < count; i++) {
    await ctx.db.transaction(async (tx) => {
      ctx.events.append(tx, [room], type, { id: '00000000-0000-4000-8000-000000000000', name: 'Writer' }, probePayload(type, { writer, i }));
    });
  }
}

/** `writers` concurrent writers, each writing `perWriter` events to `room`. */
export async function writeConcurrently(server: TestServer, room: string, writers: number, perWriter: number): Promise<void> {
  await Promise.all(Array.from({ length: writers }, (_, w) => writeEvents(server, room, perWriter, 'record_updated', w)));
}

/** Asserts-friendly view: the seqs, which must be consecutive from `from + 1`. */
export function seqs(events: readonly { seq: number }[]): number[] {
  return events.map((e) => e.seq);
}

/** `[from + 1, …, from + count]`. */
export function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + 1 + i);
}
