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
