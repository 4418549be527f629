import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffFile } from '../../src/files/file-sniff.ts';

const text = (s: string) => new TextEncoder().encode(s);
const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c04020' } });

/** A real ZIP archive (Python's zipfile) holding `hello.txt`. */
const ZIP = Buffer.from(
  'UEsDBBQAAAAAAPcah13sdqPjCAAAAAgAAAAJAAAAaGVsbG8udHh0aGkgdGhlcmVQSwECFAMUAAAAAAD3Godd7Haj4wgAAAAIAAAACQAAAAAAAAAAAAAAgAEAAAAAaGVsbG8udHh0UEsFBgAAAAABAAEANwAAAC8AAAAAAA==',
  'base64',
);

/** The opening `ftyp` box of an MP4 (brand isom) and of a QuickTime movie (brand `qt  `). */
const MP4_HEAD = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
const MOV_HEAD = Buffer.from('00000014667479707174202000000200717420200000000877696465', 'hex');

describe('file sniffing', () => {
  it('reads type and size of PNG, JPEG, GIF and every WebP flavour from encoder output', async () => {
    const cases: [Buffer, string, number, number][] = [
      [await solid(640, 480).png().toBuffer(), 'image/png', 640, 480],
      [await solid(1201, 37).jpeg().toBuffer(), 'image/jpeg', 1201, 37],
      [await solid(33, 700).gif().toBuffer(), 'image/gif', 33, 700],
      [await solid(500, 301).webp({ quality: 50 }).toBuffer(), 'image/webp', 500, 301],
      [await solid(257, 129).webp({ lossless: true }).toBuffer(), 'image/webp', 257, 129],
      // Alpha makes the encoder write the extended (VP8X) header.
      [
        await sharp({ create: { width: 90, height: 4000, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } })
          .webp()
          .toBuffer(),
        'image/webp',
        90,
        4000,
      ],
    ];
    for (const [bytes, mime, width, height] of cases) expect(sniffFile(bytes, true)).toEqual({ mime, width, height });
  });

  it('finds a JPEG frame header behind EXIF and ICC segments', async () => {
    const jpeg = await solid(320, 200)
      .withExif({ IFD0: { Copyright: 'x'.repeat(20_000), Artist: 'Ann' } })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    // The frame header really is behind tens of kilobytes of metadata.
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(20_000);
    expect(sniffFile(jpeg.subarray(0, SNIFF_BYTES), jpeg.length <= SNIFF_BYTES)).toEqual({ mime: 'image/jpeg', width: 320, height: 200 });
  });

  it('a truncated image header is still the image type, with no size', async () => {
    const png = await solid(10, 10).png().toBuffer();
    expect(sniffFile(png.subarray(0, 12), false)).toEqual({ mime: 'image/png', width: null, height: null });
    const jpeg = await solid(10, 10).jpeg().toBuffer();
    expect(sniffFile(jpeg.subarray(0, 40), false)).toEqual({ mime: 'image/jpeg', width: null, height: null });
  });

  it('recognises PDF, ZIP, MP4 and QuickTime by signature', () => {
    expect(sniffFile(text('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), true).mime).toBe('application/pdf');
    expect(sniffFile(ZIP, true).mime).toBe('application/zip');
    expect(sniffFile(MP4_HEAD, false).mime).toBe('video/mp4');
    expect(sniffFile(MOV_HEAD, false).mime).toBe('video/quicktime');
    // HEIF photos share the container but are not video.
    expect(sniffFile(Buffer.from('000000186674797068656963000000006d696631', 'hex'), false).mime).toBe('application/octet-stream');
  });

  it('tells plain UTF-8 text from HTML and SVG, whatever the file is called', () => {
    expect(sniffFile(text('Meeting notes — Grüße, 東京\nline two\r\n'), true).mime).toBe('text/plain');
    expect(sniffFile(text('\uFEFF  <!DOCTYPE html><title>x</title>'), true).mime).toBe('text/html');
    expect(sniffFile(text('<p>hello</p>'), true).mime).toBe('text/html');
    expect(sniffFile(text('just text, then <script>alert(1)</script>'), true).mime).toBe('text/html');
    expect(sniffFile(text('<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'), true).mime).toBe('image/svg+xml');
    expect(sniffFile(text('<svg onload="alert(1)"></svg>'), true).mime).toBe('image/svg+xml');
    // A head cut inside a multi-byte character is still text; a whole file ending so is not.
    const cut = text('ab東').subarray(0, 4);
    expect(sniffFile(cut, false).mime).toBe('text/plain');
    expect(sniffFile(cut, true).mime).toBe('application/octet-stream');
  });

  it('anything else is application/octet-stream', () => {
    expect(sniffFile(new Uint8Array(0), true).mime).toBe('application/octet-stream');
    expect(sniffFile(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), true).mime).toBe('application/octet-stream');
    expect(sniffFile(Buffer.from([0xe9, 0x74, 0xe9]), true).mime).toBe('application/octet-stream'); // Latin-1, not UTF-8
    expect(sniffFile(text('text with a \u0000 NUL'), true).mime).toBe('application/octet-stream');
  });
});
