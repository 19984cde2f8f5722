/**
 * Uploading the picture of an image message, transport-neutral: ask the server for an upload slot
 * (`upload` frame), post the file straight to S3 through an `ImageUploadPort` (wx.uploadFile in
 * the mini-program, fetch/XMLHttpRequest with FormData in the console), and hand back the
 * attachment `sendmessage` carries (docs/protocol.md "Images"). No bytes cross the WebSocket.
 */
import {
  type ImageAttachmentInput,
  type ImageContentType,
  MAX_IMAGE_BYTES,
  type UploadFrame,
  type UploadSlotFrame,
  isImageContentType,
} from '../protocol/images';

/** A picture on the device, as the picker gave it. */
export interface LocalImage {
  /** A local file path (mini-program temp file) or object URL; kept in the outbox across a kill. */
  readonly localPath: string;
  readonly contentType: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
}

/** Where and how to post: the slot's URL and form fields (the file goes last, as `file`). */
export interface UploadTarget {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** An upload in progress. */
export interface UploadHandle {
  /** Resolves when S3 stored the file; rejects with an UploadFailedError. */
  readonly done: Promise<void>;
  /** Aborts the upload; `done` rejects with reason `cancelled`. */
  cancel(): void;
}

/** Posts a file to a presigned POST. */
export interface ImageUploadPort {
  upload(
    target: UploadTarget,
    image: LocalImage,
    onProgress: (fraction: number) => void,
  ): UploadHandle;
}

/**
 * `missing`: the local file is gone (a temp file WeChat cleaned up, a browser tab's File after a
 * reload): only picking it again helps.
 */
export type UploadFailure =
  'cancelled' | 'network' | 'refused' | 'unsupported' | 'tooLarge' | 'missing';

/** Why an upload did not happen; `status` is S3's HTTP status when it answered. */
export class UploadFailedError extends Error {
  constructor(
    readonly reason: UploadFailure,
    readonly status?: number,
  ) {
    super(`upload failed: ${reason}${status !== undefined ? ` (${status})` : ''}`);
    this.name = 'UploadFailedError';
  }

  /** Whether trying again (with a new slot) may succeed. */
  get retryable(): boolean {
    return this.reason === 'network' || (this.reason === 'refused' && (this.status ?? 0) >= 500);
  }
}

/** The content type of a picked file from its name; undefined for HEIC and anything not carried. */
export function imageTypeOfPath(path: string): ImageContentType | undefined {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(path)?.[1]?.toLowerCase();
  const type =
    extension === 'jpg' || extension === 'jpeg'
      ? 'image/jpeg'
      : extension === 'png'
        ? 'image/png'
        : extension === 'webp'
          ? 'image/webp'
          : extension === 'gif'
            ? 'image/gif'
            : undefined;
  return type;
}

/** Refuses, before any request, what the server would refuse (type, size). */
export function checkLocalImage(image: LocalImage): void {
  if (!isImageContentType(image.contentType)) throw new UploadFailedError('unsupported');
  if (image.size > MAX_IMAGE_BYTES) throw new UploadFailedError('tooLarge');
}

/**
 * Uploads `image` for a message in `conversationId`: a slot from `requestSlot` (the client's
 * request channel: it sends the frame and resolves with the `upload` reply, rejecting with the
 * server's error), then the port's upload. Resolves with the attachment for `sendmessage`.
 */
export async function uploadImage(
  requestSlot: (frame: UploadFrame) => Promise<UploadSlotFrame>,
  port: ImageUploadPort,
  conversationId: string,
  image: LocalImage,
  slotRequestId: string,
  onProgress: (fraction: number) => void = () => undefined,
  onStarted: (handle: UploadHandle) => void = () => undefined,
): Promise<ImageAttachmentInput> {
  checkLocalImage(image);
  const slot = await requestSlot({
    action: 'upload',
    id: slotRequestId,
    conversationId,
    contentType: image.contentType,
    size: image.size,
  });
  const handle = port.upload({ url: slot.url, fields: slot.fields }, image, onProgress);
  onStarted(handle);
  await handle.done;
  onProgress(1);
  return { key: slot.key, width: image.width, height: image.height, size: image.size };
}
