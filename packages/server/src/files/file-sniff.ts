/**
 * What a stored file is, judged from its first bytes only; the name and the type the client
 * claims are never consulted, so a page named `cat.png` is `text/html`, not an image.
 */

/** How many leading bytes {@link sniffFile} looks at (JPEG dimensions can sit behind large EXIF segments). */
export const SNIFF_BYTES = 128 * 1024;

/** The sniffed type and, for images whose header says so, the pixel dimensions. */
export interface SniffedFile {
  readonly mime: string;
  readonly width: number | null;
  readonly height: number | null;
}

/** Images a browser renders without running anything; only these are served `inline`. */
export const INLINE_SAFE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const OCTET_STREAM = 'application/octet-stream';

/**
 * Sniffs `head`, the first bytes of a file (up to {@link SNIFF_BYTES}); `complete` says whether
 * it is the whole file, which matters only for telling UTF-8 text from a cut-off sequence.
 * Recognises PNG, JPEG, GIF, WebP, PDF, ZIP, MP4 and QuickTime by signature, then UTF-8 text as
 * `text/plain`, `text/html` or `image/svg+xml`; anything else (and an empty file) is
 * `application/octet-stream`.
 */
export function sniffFile(head: Uint8Array, complete: boolean): SniffedFile {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const image = sniffImage(bytes);
  if (image) return image;
  const mime = sniffOther(bytes) ?? sniffText(bytes, complete);
  return { mime: mime ?? OCTET_STREAM, width: null, height: null };
}

function startsWith(bytes: Buffer, signature: readonly number[] | string, at = 0): boolean {
  const sig = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return bytes.length >= at + sig.length && bytes.subarray(at, at + sig.length).equals(sig);
}

function image(mime: string, size: { width: number; height: number } | null): SniffedFile {
  const valid = size && size.width > 0 && size.height > 0;
  return { mime, width: valid ? size.width : null, height: valid ? size.height : null };
}

function sniffImage(bytes: Buffer): SniffedFile | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    // The first chunk is always IHDR: width and height as big-endian 32-bit integers.
    const size = bytes.length >= 24 && startsWith(bytes, 'IHDR', 12) ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : null;
    return image('image/png', size);
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return image('image/jpeg', jpegSize(bytes));
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) {
    return image('image/gif', bytes.length >= 10 ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : null);
  }
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return image('image/webp', webpSize(bytes));
  return null;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); not DHT (C4), JPG (C8) or DAC (CC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the JPEG segments up to the first start-of-frame, which holds height then width. */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) return null;
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

/** Reads the canvas size of the three WebP flavours: lossy (`VP8 `), lossless (`VP8L`) and extended (`VP8X`). */
function webpSize(bytes: Buffer): { width: number; height: number } | null {
  if (startsWith(bytes, 'VP8 ', 12) && bytes.length >= 30 && startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (startsWith(bytes, 'VP8L', 12) && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(bytes, 'VP8X', 12) && bytes.length >= 30) {
    return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  }
  return null;
}

/** ISO base media brands that are still images or audio, not video. */
const NON_VIDEO_BRANDS: Readonly<Record<string, string | null>> = {
  heic: null,
  heix: null,
  hevc: null,
  mif1: null,
  msf1: null,
  avif: null,
  avis: null,
  'M4A ': 'audio/mp4',
  'M4B ': 'audio/mp4',
};

function sniffOther(bytes: Buffer): string | null {
  if (startsWith(bytes, '%PDF-')) return 'application/pdf';
  // Local file header, empty archive, spanned archive.
  if (startsWith(bytes, 'PK\x03\x04') || startsWith(bytes, 'PK\x05\x06') || startsWith(bytes, 'PK\x07\x08')) return 'application/zip';
  if (startsWith(bytes, 'ftyp', 4) && bytes.length >= 12) {
    const brand = bytes.toString('latin1', 8, 12);
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand in NON_VIDEO_BRANDS) return NON_VIDEO_BRANDS[brand] ?? OCTET_STREAM;
    return 'video/mp4';
  }
  // Old QuickTime files open with a movie atom instead of `ftyp`.
  if (startsWith(bytes, 'moov', 4) || startsWith(bytes, 'mdat', 4) || startsWith(bytes, 'wide', 4)) return 'video/quicktime';
  return null;
}

/** Tags that make a browser treat a document as HTML (the WHATWG sniffing table, plus a few that run code). */
const HTML_START = /^<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[\s>]/i;
const HTML_ANYWHERE = /<(html|script|iframe|body|object|embed|frameset)[\s/>]/i;
const SVG_ANYWHERE = /<svg[\s/>]/i;

function sniffText(bytes: Buffer, complete: boolean): string | null {
  if (bytes.length === 0) return null;
  for (const byte of bytes) {
    // Control characters other than tab, newline, form feed, carriage return and escape mean binary.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) return null;
    if (byte === 0x7f) return null;
  }
  let text: string;
  try {
    // `stream` lets a head that ends inside a multi-byte character still count as UTF-8.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return null;
  }
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('<')) {
    if (SVG_ANYWHERE.test(trimmed)) return 'image/svg+xml';
    if (HTML_START.test(trimmed)) return 'text/html';
  }
  // Markup further in still makes it a page a browser would run; it is served as HTML (as an attachment) so nothing renders it by accident.
  if (HTML_ANYWHERE.test(text)) return 'text/html';
  return 'text/plain';
}
