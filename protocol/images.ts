/**
 * Image messages on the wire (docs/protocol.md "Images"): the types and sizes an upload may have,
 * the frames that ask for an upload slot and renew download URLs, and the attachment a
 * `sendmessage` and a message carry. Shared by the server and both clients.
 */
import * as v from 'valibot';
import { MAX_CONVERSATION_ID_LENGTH, MAX_FRAME_ID_LENGTH } from './limits';

/**
 * The image types a client may upload. HEIC (iPhone's camera default) is refused with
 * UNSUPPORTED_MEDIA: most Android WebViews and desktop browsers cannot show it; WeChat's
 * `wx.chooseMedia` with `sizeType: ['compressed']` hands out JPEG anyway.
 */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[number];

/** The largest upload, in bytes (10 MiB); a slot for more is refused with TOO_LARGE. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** How long an upload slot (the presigned POST) stays valid, in seconds. */
export const UPLOAD_SLOT_SECONDS = 5 * 60;
/** How long a download URL in a message, history or `imageurls` frame stays valid, in seconds. */
export const IMAGE_URL_SECONDS = 15 * 60;
/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_PX = 360;
/** The longest side of the display copy members see full size, in pixels. */
export const DISPLAY_MAX_PX = 2048;
/**
 * Keys per `imageurls` frame. On AWS a presigned URL carries the function's session token and is
 * about 1.5 KB, so one image's two URLs are about 3.2 KB and 20 of them about 64 KB, inside
 * SERVER_FRAME_BUDGET_BYTES; the server still cuts the reply at the budget (the client asks again
 * for keys missing from it).
 */
export const IMAGE_URLS_MAX_KEYS = 20;
/** Longest image key a client may send; real keys are about 70 characters. */
export const MAX_IMAGE_KEY_LENGTH = 160;

/** Whether a content type is one an upload may have. */
export function isImageContentType(type: string): type is ImageContentType {
  return (IMAGE_CONTENT_TYPES as readonly string[]).includes(type);
}

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));
const conversationId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH));
const imageKey = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_IMAGE_KEY_LENGTH));
const pixels = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(100_000));

/** Asks for an upload slot. Type and size are checked by the domain (UNSUPPORTED_MEDIA, TOO_LARGE). */
export const UploadFrame = v.object({
  action: v.literal('upload'),
  id: frameId,
  conversationId,
  contentType: v.pipe(v.string(), v.maxLength(100)),
  size: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});

/** The image a `sendmessage` carries: the key of its upload slot, as uploaded. */
export const ImageAttachmentInput = v.object({
  key: imageKey,
  width: pixels,
  height: pixels,
  size: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});

/** Renews the download URLs of images in one conversation (they expire after IMAGE_URL_SECONDS). */
export const ImageUrlsRequestFrame = v.object({
  action: v.literal('imageurls'),
  id: frameId,
  conversationId,
  keys: v.pipe(v.array(imageKey), v.minLength(1), v.maxLength(IMAGE_URLS_MAX_KEYS)),
});

/** Download URLs of one image: the display copy and its thumbnail, both EXIF-free. */
export const ImageUrls = v.object({
  key: v.string(),
  url: v.string(),
  thumbUrl: v.string(),
  /** ISO 8601, UTC: when both URLs stop working (renew with `imageurls` before). */
  expiresAt: v.string(),
});

/**
 * The image of a message. Width and height are the display copy's, as the server measured them
 * (after EXIF rotation); `size` is the upload's. The URLs are issued per frame, never stored.
 */
export const MessageImage = v.object({
  key: v.string(),
  width: v.number(),
  height: v.number(),
  size: v.number(),
  contentType: v.string(),
  url: v.optional(v.string()),
  thumbUrl: v.optional(v.string()),
  urlsExpireAt: v.optional(v.string()),
});

/** The reply to `upload`: post the file to `url` as multipart/form-data with `fields` first. */
export const UploadSlotFrame = v.object({
  type: v.literal('upload'),
  id: v.string(),
  conversationId: v.string(),
  key: v.string(),
  url: v.string(),
  fields: v.record(v.string(), v.string()),
  /** ISO 8601, UTC: after this S3 refuses the POST; ask for a new slot. */
  expiresAt: v.string(),
});

/** The reply to `imageurls`. */
export const ImageUrlsFrame = v.object({
  type: v.literal('imageurls'),
  id: v.string(),
  conversationId: v.string(),
  images: v.array(ImageUrls),
});

export type UploadFrame = v.InferOutput<typeof UploadFrame>;
export type ImageAttachmentInput = v.InferOutput<typeof ImageAttachmentInput>;
export type ImageUrlsRequestFrame = v.InferOutput<typeof ImageUrlsRequestFrame>;
export type ImageUrls = v.InferOutput<typeof ImageUrls>;
export type MessageImage = v.InferOutput<typeof MessageImage>;
export type UploadSlotFrame = v.InferOutput<typeof UploadSlotFrame>;
export type ImageUrlsFrame = v.InferOutput<typeof ImageUrlsFrame>;
