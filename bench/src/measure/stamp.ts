/**
 * Latency stamps carried inside published messages. The publisher writes a marker
 * `~B<phase>.<msgno>.<ms>~` into the payload just before sending; every subscriber finds it in the
 * raw frame text (no JSON parse on the hot path) and records receive time minus stamp.
 */

/**
 * Milliseconds on a clock every process of this machine shares: `performance.timeOrigin` is the
 * wall-clock instant the process started and `performance.now()` is monotonic since then, so the
 * sum is comparable across processes and never jumps backwards within one.
 */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What a marker says about the message carrying it. */
export interface Marker {
  /** Measurement phase the message belongs to (late messages of an earlier phase are ignored). */
  readonly phase: number;
  /** Number of the message within its publisher's stream. */
  readonly msgno: number;
  /** {@link clockMs} just before the message was sent. */
  readonly stampMs: number;
}

const OPEN = '~B';

/** The marker text for a message. */
export function encodeMarker(phase: number, msgno: number, stampMs: number): string {
  return `${OPEN}${phase}.${msgno}.${stampMs.toFixed(3)}~`;
}

/**
 * Reads the newest marker in a frame. A frame can hold several (a record update carries the
 * value before and after the change); the one with the highest phase and message number is the
 * message this frame delivers. Returns null when the frame carries none.
 */
export function readMarker(text: string): Marker | null {
  let best: Marker | null = null;
  let from = 0;
  // Bounded: each turn moves past one occurrence of the opening characters.
  for (;;) {
    const at = text.indexOf(OPEN, from);
    if (at < 0) break;
    from = at + OPEN.length;
    const end = text.indexOf('~', from);
    if (end < 0) break;
    const parts = text.slice(from, end).split('.');
    if (parts.length !== 4) continue;
    const phase = Number(parts[0]);
    const msgno = Number(parts[1]);
    const stampMs = Number(`${parts[2]}.${parts[3]}`);
    if (!Number.isInteger(phase) || !Number.isInteger(msgno) || !Number.isFinite(stampMs)) continue;
    if (!best || phase > best.phase || (phase === best.phase && msgno > best.msgno)) best = { phase, msgno, stampMs };
    from = end + 1;
  }
  return best;
}

/**
 * A JSON payload of about the size of a Tandem `cell_edit` envelope, carrying `marker` as its
 * value; the Socket.IO and bare `ws` servers broadcast exactly this string, so every server
 * moves frames of comparable size.
 */
export function peerPayload(room: string, marker: string): string {
  return JSON.stringify({
    type: 'cell_edit',
    room,
    record_id: '00000000-0000-4000-8000-000000000001',
    field_id: '00000000-0000-4000-8000-000000000002',
    user_id: '00000000-0000-4000-8000-000000000003',
    value: marker,
  });
}
