/**
 * A picture the desk picked (file input, paste, drop) as the client core's LocalImage: checked
 * first against protocol/images.ts (type, size; HEIC named as such), then decoded once for its
 * width and height, so the message's box has the right shape before the server measured it.
 */
import {
  IMAGE_CONTENT_TYPES,
  type LocalImage,
  MAX_IMAGE_BYTES,
  type Translator,
} from '../../../client/index';

/** What the file input offers (the types an upload may have). */
export const ACCEPTED_TYPES = IMAGE_CONTENT_TYPES.join(',');

/** Why a picked file is not sent, in the user's words. */
export class PickRefusal extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'PickRefusal';
  }
}

const MIB = 1024 * 1024;

function isHeic(file: File): boolean {
  return /^image\/hei[cf](-sequence)?$/i.test(file.type) || /\.hei[cf]$/i.test(file.name);
}

/**
 * Refuses what the server would refuse, before anything is uploaded: not one of the four types
 * (HEIC with its own explanation), or over MAX_IMAGE_BYTES. Throws PickRefusal.
 */
export function checkPicked(tr: Translator, file: File): void {
  if (isHeic(file)) throw new PickRefusal(tr.t('image.heic'));
  if (!(IMAGE_CONTENT_TYPES as readonly string[]).includes(file.type)) {
    throw new PickRefusal(tr.t('error.UNSUPPORTED_MEDIA'));
  }
  if (file.size > MAX_IMAGE_BYTES) {
    throw new PickRefusal(
      tr.t('image.tooLarge', {
        size: (file.size / MIB).toFixed(1),
        max: String(MAX_IMAGE_BYTES / MIB),
      }),
    );
  }
}

/** Width and height of a picture as shown (EXIF orientation applied, as the server measures). */
async function dimensions(file: File): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    return { width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/** Checks and measures a picked file; `localPath` names it for the upload (an object URL). */
export async function pickedImage(
  tr: Translator,
  file: File,
  keep: (file: File) => string,
): Promise<LocalImage> {
  checkPicked(tr, file);
  let size: { width: number; height: number };
  try {
    size = await dimensions(file);
  } catch {
    throw new PickRefusal(tr.t('image.unreadable'));
  }
  if (size.width < 1 || size.height < 1) throw new PickRefusal(tr.t('image.unreadable'));
  return {
    localPath: keep(file),
    contentType: file.type,
    size: file.size,
    width: size.width,
    height: size.height,
  };
}
