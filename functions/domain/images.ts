/**
 * Image messages, the parts around the send (docs/protocol.md "Images"): upload slots and the
 * download URLs members get. The attachment check of a send is image-attachment.ts; producing the
 * display copy and thumbnail is image-processing.ts.
 */
import {
  IMAGE_URL_SECONDS,
  type ImageUrlsRequestFrame,
  type ImageUrls,
  MAX_IMAGE_BYTES,
  type UploadFrame,
  UPLOAD_SLOT_SECONDS,
  isImageContentType,
} from '../../protocol/images';
import type { ChatMessage } from '../../protocol/server-frames';
import { authorizeParticipant, precheckParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { ForbiddenError, TooLargeError, UnsupportedMediaError } from './errors';
import { reply } from './fan-out';
import { itemsWithinBudget } from './frame-budget';
import type { Caller } from './identity';
import {
  displayKey,
  isKeyOfConversation,
  newUploadKey,
  parseUploadKey,
  thumbKey,
} from './image-keys';
import type { ImageCheckServices } from './image-check';
import type { ImageObjectStore } from './image-ports';

/** What the image use cases need besides the chat context. */
export interface ImageServices {
  readonly store: ImageObjectStore;
  /** `n` cryptographically random bytes. */
  readonly randomBytes: (n: number) => Uint8Array;
  /** How long a send waits for the display copy of a fresh upload, in ms. */
  readonly readyWaitMs: number;
  /** Pause between looks while waiting, in ms. */
  readonly readyPollMs: number;
  /** WeChat's picture check (image-check.ts); absent, pictures go unchecked (tests, bench). */
  readonly check?: ImageCheckServices;
}

/** Metadata names an upload carries (pinned by the POST policy on S3). */
export const UPLOAD_METADATA = { uploader: 'uploader', conversation: 'conversation' } as const;

/** The type and size checks of an upload slot, before any read. */
export function checkUploadRequest(contentType: string, size: number): void {
  const type = contentType.trim().toLowerCase();
  if (type === 'image/heic' || type === 'image/heif') {
    throw new UnsupportedMediaError(
      'HEIC/HEIF pictures are not accepted; send JPEG (wx.chooseMedia with sizeType compressed gives JPEG)',
    );
  }
  if (!isImageContentType(contentType)) {
    throw new UnsupportedMediaError(
      `content type ${JSON.stringify(contentType.slice(0, 40))} is not one of image/jpeg, image/png, image/webp, image/gif`,
    );
  }
  if (size > MAX_IMAGE_BYTES) {
    throw new TooLargeError(`an image may have at most ${MAX_IMAGE_BYTES} bytes`);
  }
}

/** upload: checks membership, type and size, then replies with a presigned POST. */
export async function requestUploadSlot(
  ctx: ChatContext,
  images: ImageServices,
  caller: Caller,
  frame: UploadFrame,
): Promise<void> {
  checkUploadRequest(frame.contentType, frame.size);
  const target = requireConversationId(frame.conversationId);
  precheckParticipant(caller, target);
  const { conversation, member } = await ctx.conversations.getWithMember(target.id, caller.userId);
  authorizeParticipant(caller, target, conversation, member);

  const key = newUploadKey(target.id, caller.userId, images.randomBytes(16));
  const expiresAt = ctx.now() + UPLOAD_SLOT_SECONDS * 1000;
  const form = await images.store.presignUpload({
    key,
    contentType: frame.contentType,
    // The slot's declared size is the ceiling: the upload may not be larger than announced.
    maxBytes: frame.size,
    expiresSeconds: UPLOAD_SLOT_SECONDS,
    metadata: { [UPLOAD_METADATA.uploader]: caller.userId },
  });
  await reply(ctx, caller.connectionId, {
    type: 'upload',
    id: frame.id,
    conversationId: target.id,
    key,
    url: form.url,
    fields: { ...form.fields },
    expiresAt: new Date(expiresAt).toISOString(),
  });
}

/** Download URLs for an upload key's display copy and thumbnail, valid IMAGE_URL_SECONDS. */
export async function imageUrls(
  ctx: Pick<ChatContext, 'now'>,
  store: ImageObjectStore,
  key: string,
): Promise<ImageUrls | undefined> {
  const parsed = parseUploadKey(key);
  if (!parsed) return undefined;
  const [url, thumbUrl] = await Promise.all([
    store.presignDownload(displayKey(parsed), IMAGE_URL_SECONDS),
    store.presignDownload(thumbKey(parsed), IMAGE_URL_SECONDS),
  ]);
  return {
    key,
    url,
    thumbUrl,
    expiresAt: new Date(ctx.now() + IMAGE_URL_SECONDS * 1000).toISOString(),
  };
}

/**
 * The message as it goes out: an image message gets fresh download URLs (never stored; every
 * frame signs its own). A text message is returned as it is.
 */
export async function withImageUrls(
  ctx: Pick<ChatContext, 'now'>,
  store: ImageObjectStore | undefined,
  message: ChatMessage,
): Promise<ChatMessage> {
  // A tombstone's picture is gone (or going): no URLs for it, ever.
  if (!message.image || !store || message.recalled !== undefined) return message;
  const urls = await imageUrls(ctx, store, message.image.key);
  if (!urls) return message;
  return {
    ...message,
    image: {
      ...message.image,
      url: urls.url,
      thumbUrl: urls.thumbUrl,
      urlsExpireAt: urls.expiresAt,
    },
  };
}

/** imageurls: fresh URLs for images of one conversation the caller takes part in. */
export async function renewImageUrls(
  ctx: ChatContext,
  images: ImageServices,
  caller: Caller,
  frame: ImageUrlsRequestFrame,
): Promise<void> {
  const target = requireConversationId(frame.conversationId);
  precheckParticipant(caller, target);
  // Every key must be of this conversation: a member of one cannot get another's pictures.
  for (const key of frame.keys) {
    if (!isKeyOfConversation(key, target.id)) {
      throw new ForbiddenError('an image key is not of this conversation');
    }
  }
  const { conversation, member } = await ctx.conversations.getWithMember(target.id, caller.userId);
  authorizeParticipant(caller, target, conversation, member);
  const unique = [...new Set(frame.keys)];
  const signed = (await Promise.all(unique.map((key) => imageUrls(ctx, images.store, key)))).filter(
    (u): u is ImageUrls => u !== undefined,
  );
  const envelope = {
    type: 'imageurls' as const,
    id: frame.id,
    conversationId: target.id,
    images: [] as ImageUrls[],
  };
  const fit = itemsWithinBudget(envelope, signed);
  await reply(ctx, caller.connectionId, { ...envelope, images: signed.slice(0, fit) });
}
