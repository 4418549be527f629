import { describe, expect, it } from 'vitest';
import { achievedRate } from '../src/workloads/phase.ts';

describe('achieved write rate of a record-path step', () => {
  it('a server that keeps up shows the asked rate, however long its last answer took', () => {
    // 300/s for 8 s: the last write is due at 7.997 s and issued on time.
    expect(achievedRate(2400, 7997, 8000)).toBe(300);
  });

  it('a server that falls behind stretches the issuing and shows what it really kept up with', () => {
    // Held at the in-flight cap, the writer issued 2400 writes over 12 s instead of 8.
    expect(achievedRate(2400, 12_000, 8000)).toBe(200);
    // Answered fewer than were asked within the window.
    expect(achievedRate(1800, 8000, 8000)).toBe(225);
  });
});
