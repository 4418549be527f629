import { describe, expect, it } from 'vitest';
import { encodeMarker, peerPayload, readMarker } from '../src/measure/stamp.ts';

describe('latency markers', () => {
  it('round-trips through a JSON envelope', () => {
    const marker = encodeMarker(3, 42, 1_700_000_000_123.456);
    const frame = JSON.stringify({ type: 'cell_edit', room: 'table:x', seq: 9, data: { value: marker } });
    expect(readMarker(frame)).toEqual({ phase: 3, msgno: 42, stampMs: 1_700_000_000_123.456 });
  });

  it('picks the newest marker when a frame carries the value before and after a change', () => {
    const before = encodeMarker(2, 10, 1000.5);
    const after = encodeMarker(2, 11, 2000.25);
    expect(readMarker(JSON.stringify({ changes: [{ before, after }] }))?.msgno).toBe(11);
    expect(readMarker(JSON.stringify({ changes: [{ after, before }] }))?.msgno).toBe(11);
    expect(readMarker(`${encodeMarker(3, 1, 5)} ${encodeMarker(2, 99, 6)}`)?.phase).toBe(3);
  });

  it('ignores frames without a marker and malformed ones', () => {
    expect(readMarker('{"type":"presence_state","users":[]}')).toBeNull();
    expect(readMarker('~Bnot.a.marker~ and ~B1.2~')).toBeNull();
  });

  it('gives the peers a payload that carries the marker', () => {
    const marker = encodeMarker(1, 1, 1);
    expect(readMarker(peerPayload('room-1', marker))?.msgno).toBe(1);
  });
});
