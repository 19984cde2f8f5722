/**
 * The image codec through sharp (libvips). Decoding is bounded (input pixels, fail on a corrupt
 * file); output carries no metadata (sharp drops EXIF, XMP and IPTC unless told to keep them),
 * after `rotate()` has applied the EXIF orientation, so the copies look as the phone showed them
 * and say nothing about where they were taken.
 * https://sharp.pixelplumbing.com/api-output#keepmetadata
 */
import sharp, { type Sharp } from 'sharp';
import type { EncodedImage, ImageCodec } from '../domain/image-ports';

const FORMAT_OF: Record<string, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** At most 40 megapixels decoded (a phone photo is 12–48; a decompression bomb far more). */
const MAX_INPUT_PIXELS = 40_000_000;

async function encode(
  pipeline: Sharp,
  format: 'jpeg' | 'png' | 'webp',
  contentType: string,
): Promise<EncodedImage> {
  const out =
    format === 'jpeg'
      ? pipeline.jpeg({ quality: 82, mozjpeg: true })
      : format === 'png'
        ? pipeline.png({ compressionLevel: 9 })
        : pipeline.webp({ quality: 80 });
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data), contentType, width: info.width, height: info.height };
}

/** The sharp codec. */
export function createSharpCodec(): ImageCodec {
  return {
    async derive(input, declaredType, sizes) {
      const expected = FORMAT_OF[declaredType];
      const open = () =>
        sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate();
      let format: string | undefined;
      try {
        format = (await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
      } catch {
        return undefined;
      }
      if (!expected || format !== expected) return undefined;
      try {
        // Decoded once: the display copy is made from the upload, the thumbnail from the display
        // copy's pixels (already upright and at most DISPLAY_MAX_PX), not from a second decode.
        const { data, info } = await open()
          .resize({
            width: sizes.displayMaxPx,
            height: sizes.displayMaxPx,
            fit: 'inside',
            withoutEnlargement: true,
          })
          .raw()
          .toBuffer({ resolveWithObject: true });
        const pixels = () =>
          sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
        // A GIF's display copy is its first frame as PNG: animation is not carried (documented).
        const display =
          format === 'jpeg'
            ? await encode(pixels(), 'jpeg', 'image/jpeg')
            : format === 'webp'
              ? await encode(pixels(), 'webp', 'image/webp')
              : await encode(pixels(), 'png', 'image/png');
        const thumb = await encode(
          pixels().resize({
            width: sizes.thumbMaxPx,
            height: sizes.thumbMaxPx,
            fit: 'inside',
            withoutEnlargement: true,
          }),
          'webp',
          'image/webp',
        );
        return { display, thumb };
      } catch {
        return undefined;
      }
    },
  };
}
