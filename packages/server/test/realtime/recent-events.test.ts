import type { DurableEvent } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/realtime/frame.ts';
import { type DeliveredEvent, RecentEvents } from '../../src/realtime/recent-events.ts';

function delivered(seq: number, data: unknown = {}): DeliveredEvent {
  const event: DurableEvent = { type: 'record_updated', room: 'table:t', seq, ts: '2026-01-01T00:00:00.000Z', actor: null, data };
  return { event, frame: Frame.of(event) };
}

function seqsAfter(recent: RecentEvents, since: number): number[] | null {
  return recent.after(since)?.map((d) => d.event.seq) ?? null;
}

describe('recent events of a room', () => {
  it('answers every since from where it started to its head, and nothing before or beyond', () => {
    const recent = new RecentEvents(10);
    recent.restart(40);
    for (let seq = 41; seq <= 45; seq++) recent.append(delivered(seq));
    expect(seqsAfter(recent, 40)).toEqual([41, 42, 43, 44, 45]);
    expect(seqsAfter(recent, 43)).toEqual([44, 45]);
    expect(seqsAfter(recent, 45)).toEqual([]);
    // Before the start: events up to 40 were delivered before the room existed.
    expect(recent.after(39)).toBeNull();
    // Ahead of the head: only the log knows whether those exist.
    expect(recent.after(46)).toBeNull();
  });

  it('hands back the very frames it was given, so a replay is never serialised again', () => {
    const recent = new RecentEvents(10);
    recent.restart(0);
    const first = delivered(1);
    recent.append(first);
    expect(recent.after(0)?.[0]?.frame).toBe(first.frame);
  });

  it('drops the oldest past its count and no longer answers a since before them', () => {
    const recent = new RecentEvents(3);
    recent.restart(0);
    for (let seq = 1; seq <= 7; seq++) recent.append(delivered(seq));
    expect(recent.size).toBe(3);
    expect(recent.from).toBe(4);
    expect(seqsAfter(recent, 4)).toEqual([5, 6, 7]);
    expect(recent.after(3)).toBeNull();
  });

  it('drops the oldest past its character budget, even the newest event when it alone is over', () => {
    const small = delivered(1).frame.json.length;
    const recent = new RecentEvents(100, small * 2 + 10);
    recent.restart(0);
    for (let seq = 1; seq <= 4; seq++) recent.append(delivered(seq));
    expect(recent.size).toBe(2);
    expect(seqsAfter(recent, 2)).toEqual([3, 4]);
    recent.append(delivered(5, { big: 'x'.repeat(small * 3) }));
    expect(recent.size).toBe(0);
    expect(seqsAfter(recent, 5)).toEqual([]);
    expect(recent.after(4)).toBeNull();
    recent.append(delivered(6));
    expect(seqsAfter(recent, 5)).toEqual([6]);
  });

  it('starts over at an event that does not follow its head, instead of answering across the hole', () => {
    const recent = new RecentEvents(10);
    recent.restart(0);
    recent.append(delivered(1));
    recent.append(delivered(2));
    recent.append(delivered(5));
    expect(recent.after(2)).toBeNull();
    expect(recent.after(0)).toBeNull();
    expect(seqsAfter(recent, 4)).toEqual([5]);
  });

  it('keeps nothing with a count of 0 but still knows its head', () => {
    const recent = new RecentEvents(0);
    recent.restart(10);
    recent.append(delivered(11));
    expect(recent.size).toBe(0);
    expect(seqsAfter(recent, 11)).toEqual([]);
    expect(recent.after(10)).toBeNull();
  });

  it('stays gapless and in order while it grows, wraps around and drops by count and by size', () => {
    const small = delivered(1).frame.json.length;
    const recent = new RecentEvents(100, small * 40);
    recent.restart(0);
    // Big events first, so the budget drops from the front while the ring is still growing.
    for (let seq = 1; seq <= 300; seq++) {
      recent.append(delivered(seq, seq <= 12 ? { pad: 'x'.repeat(small * 3) } : {}));
      const held = recent.after(recent.from) ?? [];
      expect(held.map((d) => d.event.seq)).toEqual(Array.from({ length: recent.size }, (_, i) => recent.from + 1 + i));
      expect(held.at(-1)?.event.seq).toBe(seq);
      expect(held.reduce((n, d) => n + d.frame.json.length, 0)).toBeLessThanOrEqual(small * 40);
    }
    expect(recent.size).toBeGreaterThan(30);
  });

  it('wraps around its ring in order', () => {
    const recent = new RecentEvents(4);
    recent.restart(0);
    for (let seq = 1; seq <= 11; seq++) recent.append(delivered(seq));
    expect(seqsAfter(recent, 7)).toEqual([8, 9, 10, 11]);
    expect(seqsAfter(recent, 9)).toEqual([10, 11]);
  });
});
