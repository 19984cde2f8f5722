/**
 * What happens when an upload lands (the S3 ObjectCreated notification of `up/`): the upload is
 * decoded and re-encoded into a display copy (at most DISPLAY_MAX_PX) and a thumbnail (at most
 * THUMBNAIL_MAX_PX), both rotated upright and without any metadata, so EXIF location never
 * reaches another member: members only ever get URLs for these copies, never for the upload.
 * An upload that does not decode as its declared type is deleted and an empty marker left under
 * `bad/` (a send naming it then gets UNSUPPORTED_MEDIA, not NOT_FOUND). Running twice for one upload (S3 delivers notifications at least once)
 * writes the same copies again.
 */
import { DISPLAY_MAX_PX, THUMBNAIL_MAX_PX, isImageContentType } from '../../protocol/images';
import { displayKey, parseUploadKey, rejectedKey, thumbKey } from './image-keys';
import type { ImageCodec, ImageObjectStore } from './image-ports';
import type { Log } from './ports';

/** Metadata names on the derived copies. */
export const DERIVED_METADATA = { width: 'width', height: 'height' } as const;

export type ProcessOutcome = 'derived' | 'rejected' | 'gone' | 'ignored';

/** Derives the copies of one upload key. */
export async function processUpload(
  store: ImageObjectStore,
  codec: ImageCodec,
  log: Log,
  key: string,
): Promise<ProcessOutcome> {
  const parsed = parseUploadKey(key);
  if (!parsed) {
    log.warn('object outside the upload key scheme ignored', { key });
    return 'ignored';
  }
  const head = await store.head(key);
  if (!head) return 'gone';
  const bytes = await store.read(key);
  if (!bytes) return 'gone';
  const declared = head.contentType ?? '';
  const derived = isImageContentType(declared)
    ? await codec.derive(bytes, declared, {
        displayMaxPx: DISPLAY_MAX_PX,
        thumbMaxPx: THUMBNAIL_MAX_PX,
      })
    : undefined;
  if (!derived) {
    log.warn('upload is not a readable image of its type; deleted', { key, declared });
    // The marker first, so a send that finds the upload gone can tell why.
    await store.write(rejectedKey(parsed), new Uint8Array(), 'application/octet-stream', {});
    await store.remove(key);
    return 'rejected';
  }
  const meta = (w: number, h: number) => ({
    [DERIVED_METADATA.width]: String(w),
    [DERIVED_METADATA.height]: String(h),
  });
  // The thumbnail first: a send waits for the display copy, so when it exists both do.
  await store.write(
    thumbKey(parsed),
    derived.thumb.bytes,
    derived.thumb.contentType,
    meta(derived.thumb.width, derived.thumb.height),
  );
  await store.write(
    displayKey(parsed),
    derived.display.bytes,
    derived.display.contentType,
    meta(derived.display.width, derived.display.height),
  );
  return 'derived';
}
