/**
 * What image messages need from the outside world: an object store (S3, functions/adapters/
 * s3-images.ts) and an image codec (sharp, functions/adapters/sharp-images.ts). The domain never
 * sees an SDK type.
 */

/** An object's size, type and user metadata (S3 lowercases metadata names). */
export interface StoredObject {
  readonly size: number;
  readonly contentType: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A presigned POST: the form fields to send before the file, and where. */
export interface UploadForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface ImageObjectStore {
  /**
   * A presigned POST for exactly `key`, exactly `contentType`, at most `maxBytes`, valid for
   * `expiresSeconds`, with `metadata` as x-amz-meta-* fields the policy pins too.
   */
  presignUpload(request: {
    readonly key: string;
    readonly contentType: string;
    readonly maxBytes: number;
    readonly expiresSeconds: number;
    readonly metadata: Readonly<Record<string, string>>;
  }): Promise<UploadForm>;
  /** A presigned GET URL for `key` valid for `expiresSeconds` (local signing, no round trip). */
  presignDownload(key: string, expiresSeconds: number): Promise<string>;
  /** The object's size, type and metadata, or undefined when there is none. */
  head(key: string): Promise<StoredObject | undefined>;
  /** The object's bytes, or undefined when there is none. */
  read(key: string): Promise<Uint8Array | undefined>;
  write(
    key: string,
    body: Uint8Array,
    contentType: string,
    metadata: Readonly<Record<string, string>>,
  ): Promise<void>;
  /** Deletes the object; deleting one that is not there succeeds. */
  remove(key: string): Promise<void>;
}

/** A decoded, re-encoded picture. */
export interface EncodedImage {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
}

export interface ImageCodec {
  /**
   * The display copy and thumbnail of `input`: rotated upright by its EXIF orientation, every
   * metadata block (EXIF with GPS, XMP, IPTC) dropped. Undefined when `input` is not a readable
   * image of `declaredType`.
   */
  derive(
    input: Uint8Array,
    declaredType: string,
    sizes: { readonly displayMaxPx: number; readonly thumbMaxPx: number },
  ): Promise<{ readonly display: EncodedImage; readonly thumb: EncodedImage } | undefined>;
}

/** WeChat's verdict on a picture (`result.suggest` of the wxa_media_check push). */
export type MediaSuggest = 'pass' | 'review' | 'risky';

/**
 * WeChat's asynchronous picture check (security.mediaCheckAsync v2, functions/adapters/
 * wechat-media-check.ts). `submit` resolves with the trace id the verdict push will carry; a
 * failure is an UnavailableError (the send fails closed, as a text's msgSecCheck does).
 */
export interface MediaChecker {
  submit(request: { readonly mediaUrl: string; readonly openid: string }): Promise<string>;
}

/**
 * One submitted check: what the trace id of its verdict refers to. The message's seq is not in
 * it (the check is submitted before the message is stored); the sender and the send's client id
 * find the message through the send's idempotency key.
 */
export interface ImageCheckRecord {
  readonly traceId: string;
  readonly conversationId: string;
  /** The upload key (`up/…`); the display copy and thumbnail share its rest. */
  readonly key: string;
  readonly senderId: string;
  /** The sendmessage frame id (idempotency: sender + client id -> the stored message). */
  readonly clientId: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  /** Set once the verdict has been applied; `failed`: WeChat's push reported an errcode. */
  readonly verdict?: MediaSuggest | 'failed';
  readonly label?: number;
  /** Epoch ms the verdict was applied. */
  readonly decidedAt?: number;
}

/** The submitted checks, by trace id (the moderation table, functions/tables.ts). */
export interface ImageCheckStore {
  recordSubmitted(record: ImageCheckRecord): Promise<void>;
  get(traceId: string): Promise<ImageCheckRecord | undefined>;
  /**
   * Records the applied verdict; true when this call did (false: a verdict was there already, a
   * repeated push got there first).
   */
  markDecided(
    traceId: string,
    verdict: NonNullable<ImageCheckRecord['verdict']>,
    label: number | undefined,
    at: number,
  ): Promise<boolean>;
}
