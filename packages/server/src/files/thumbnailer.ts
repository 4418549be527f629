import type { Readable } from 'node:stream';
import type { Logger } from 'pino';

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_PX = 320;

/** Images with more pixels than this get no thumbnail (decoding them would take too much memory). */
const MAX_INPUT_PIXELS = 50_000_000;

/** Makes small WebP previews of images. */
export interface Thumbnailer {
  /**
   * A WebP of the image `input` at most {@link THUMBNAIL_PX} on its longer side, turned upright
   * by its EXIF orientation, animated when the image is; the returned stream errors when
   * `input` is not a decodable image.
   */
  thumbnail(input: Readable): Readable;
}

/**
 * The thumbnailer backed by sharp (libvips), or null where sharp's native binary is not
 * installed for this platform: files are then stored without thumbnails and an image's own
 * URL stands in for one.
 */
export async function loadThumbnailer(log: Logger): Promise<Thumbnailer | null> {
  let sharp: typeof import('sharp')['default'];
  try {
    sharp = (await import('sharp')).default;
  } catch (err) {
    log.warn({ err }, 'sharp is not available; images are stored without thumbnails');
    return null;
  }
  return {
    thumbnail(input) {
      const transformer = sharp({ animated: true, limitInputPixels: MAX_INPUT_PIXELS })
        .autoOrient()
        .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 });
      input.on('error', (err) => transformer.destroy(err));
      return input.pipe(transformer);
    },
  };
}
