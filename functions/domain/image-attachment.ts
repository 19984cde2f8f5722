/**
 * The image check of a `sendmessage`, before anything is stored (kept apart from the send's
 * admission so the two can change separately): the key must be an upload of this caller in this
 * conversation, the object must exist with the declared size and an accepted type, and its
 * display copy (EXIF-free, written by image-processing.ts) must exist, which also proves the bytes
 * decoded as an image. Any failure is a protocol error and nothing is stored.
 *
 * Errors: FORBIDDEN (not an upload key of this conversation, or uploaded by someone else),
 * NOT_FOUND (no object: never uploaded, or the slot expired first), BAD_REQUEST (size differs
 * from the declared one), UNSUPPORTED_MEDIA (type not accepted, or not a readable image),
 * INTERNAL (the display copy is still being made; retry with the same id).
 */
import type { ImageAttachmentInput, MessageImage } from '../../protocol/images';
import { isImageContentType } from '../../protocol/images';
import {
  BadRequestError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  UnsupportedMediaError,
} from './errors';
import type { Caller } from './identity';
import {
  conversationSegment,
  displayKey,
  parseUploadKey,
  rejectedKey,
  uploaderSegment,
} from './image-keys';
import type { ImageServices } from './images';
import { DERIVED_METADATA } from './image-processing';

/** The stored image of a message, or a protocol error. */
export async function verifyImageAttachment(
  images: ImageServices,
  caller: Pick<Caller, 'userId'>,
  conversationId: string,
  input: ImageAttachmentInput,
  now: () => number = Date.now,
): Promise<MessageImage> {
  const parsed = parseUploadKey(input.key);
  if (!parsed || parsed.conversation !== conversationSegment(conversationId)) {
    throw new ForbiddenError('the image key is not an upload of this conversation');
  }
  if (parsed.uploader !== uploaderSegment(caller.userId)) {
    throw new ForbiddenError('the image was uploaded by someone else');
  }
  const original = await images.store.head(input.key);
  if (!original) {
    if (await images.store.head(rejectedKey(parsed))) throw notAnImage();
    throw new NotFoundError('no uploaded image at this key (not uploaded, or the slot expired)');
  }
  if (original.size !== input.size) {
    throw new BadRequestError(
      `the uploaded image has ${original.size} bytes, not the declared ${input.size}`,
    );
  }
  const contentType = original.contentType ?? '';
  if (!isImageContentType(contentType)) {
    throw new UnsupportedMediaError('the uploaded object is not a JPEG, PNG, WebP or GIF image');
  }

  // The display copy appears a moment after the upload (S3 notification -> process-image).
  const giveUpAt = now() + images.readyWaitMs;
  const derivedKey = displayKey(parsed);
  for (;;) {
    const derived = await images.store.head(derivedKey);
    if (derived) {
      return {
        key: input.key,
        width: Number(derived.metadata[DERIVED_METADATA.width]) || input.width,
        height: Number(derived.metadata[DERIVED_METADATA.height]) || input.height,
        size: original.size,
        contentType: derived.contentType ?? contentType,
      };
    }
    // The processor deletes an upload that does not decode as its declared type.
    if (!(await images.store.head(input.key))) throw notAnImage();
    if (now() >= giveUpAt) {
      throw new InternalError('the image is still being processed; retry with the same id');
    }
    await new Promise((resolve) => setTimeout(resolve, images.readyPollMs));
  }
}

function notAnImage(): UnsupportedMediaError {
  return new UnsupportedMediaError('the uploaded file is not a readable image of its type');
}
