import { describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { Frame } from '../../src/realtime/frame.ts';

/** ws's frame parser (exported by the package, not declared by its types). */
const { Receiver } = wsModule as any;

/** What a WebSocket client's parser makes of a server frame. */
function received(wire: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? reject(new Error('binary frame')) : resolve(data.toString())));
    receiver.on('error', reject);
    receiver.write(wire);
  });
}

describe('a frame built once for every WebSocket', () => {
  it.each([2, 125, 126, 127, 65_535, 65_536, 300_000])('parses as the same text message with a %i-byte payload', async (size) => {
    const frame = new Frame(`"${'x'.repeat(size - 2)}"`);
    expect(frame.bytes.length).toBe(size);
    expect(await received(frame.wire)).toBe(frame.json);
  });

  it('carries multi-byte text by its UTF-8 length', async () => {
    const frame = Frame.of({ type: 'comment_created', data: { body: 'Grüße — 🚀'.repeat(20) } });
    expect(await received(frame.wire)).toBe(frame.json);
  });
});
