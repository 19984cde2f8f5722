/**
 * Test pictures made with sharp (a photo with EXIF GPS and orientation), and the browser's way
 * of posting to a presigned POST (fields first, then the file), as console and wx.uploadFile do.
 */
import sharp from 'sharp';
import type { Frame } from './chat-client';

/** A noisy JPEG (noise does not compress: a realistic size) with EXIF GPS and orientation 6. */
export async function photoWithLocation(
  width = 1600,
  height = 1200,
  quality = 90,
): Promise<Buffer> {
  const noise = Buffer.alloc(width * height * 3);
  // Smooth gradients plus some noise: photo-like, compressible but not trivially.
  for (let i = 0; i < noise.length; i++) noise[i] = (i % 251) ^ ((i * 7919) & 0x3f);
  return (
    sharp(noise, { raw: { width, height, channels: 3 } })
      .withExif({
        IFD0: { Make: 'TestPhone' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '31/1 14/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '121/1 28/1 0/1',
        },
      })
      // Orientation 6: the camera was held upright; viewers rotate the 1600x1200 pixels to portrait.
      .withMetadata({ orientation: 6 })
      .jpeg({ quality })
      .toBuffer()
  );
}

/** Posts `body` to an upload slot as multipart/form-data; resolves with the HTTP status. */
export async function postToSlot(
  slot: Frame,
  body: Uint8Array,
  contentType: string,
  filename = 'photo.jpg',
): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([new Uint8Array(body)], { type: contentType }), filename);
  const response = await fetch(String(slot.url), { method: 'POST', body: form });
  await response.arrayBuffer();
  return response.status;
}

/** The policy document of a presigned POST slot, decoded. */
export function slotPolicy(slot: Frame): { expiration: string; conditions: unknown[] } {
  const fields = slot.fields as Record<string, string>;
  return JSON.parse(Buffer.from(String(fields.Policy), 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
}
