import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from '../src/sse-parser.ts';

function parse(chunks: readonly string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (text) => comments.push(text),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments };
}

describe('SSE parser', () => {
  it('reads events with ids, names and multi-line data, whatever the chunk boundaries', () => {
    const stream = ': connected\n\nevent: record_created\nid: abc\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n';
    const whole = parse([stream]);
    const bytewise = parse([...stream]);
    for (const { events, comments } of [whole, bytewise]) {
      expect(comments).toEqual(['connected']);
      expect(events).toEqual([
        { id: 'abc', event: 'record_created', data: '{"a":\n1}' },
        // The last event id carries over to events without one, as in EventSource.
        { id: 'abc', event: 'message', data: 'plain' },
      ]);
    }
  });

  it('treats CRLF split across chunks as one line end', () => {
    const { events } = parse(['event: x\r', '\ndata: 1\r\n\r', '\n']);
    expect(events).toEqual([{ id: null, event: 'x', data: '1' }]);
  });

  it('does not emit an event that has no data', () => {
    const { events } = parse(['event: ready\n\n']);
    expect(events).toEqual([]);
  });
});
