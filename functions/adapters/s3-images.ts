/**
 * The image bucket through the real S3 client (@aws-sdk/client-s3, @aws-sdk/s3-presigned-post,
 * @aws-sdk/s3-request-presigner). Locally S3_ENDPOINT points it at the local S3 server with
 * path-style addressing; on AWS it is unset and the SDK finds the regional endpoint.
 * S3 errors are translated here: a missing object is `undefined`, anything else an InternalError
 * without the upstream text (which stays in the log).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InternalError } from '../domain/errors';
import type { ImageObjectStore, StoredObject } from '../domain/image-ports';
import type { Log } from '../domain/ports';

/** One S3 client per process. */
export function createS3Client(options: {
  endpoint: string | undefined;
  region: string;
}): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
  });
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}

/** The image store of one bucket. */
export function createS3ImageStore(client: S3Client, bucket: string, log: Log): ImageObjectStore {
  const fail = (operation: string, key: string, error: unknown): never => {
    log.error('S3 request failed', {
      operation,
      key,
      error: error instanceof Error ? { name: error.name, message: error.message } : error,
    });
    throw new InternalError();
  };
  return {
    async presignUpload({ key, contentType, maxBytes, expiresSeconds, metadata }) {
      const metaFields = Object.fromEntries(
        Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
      );
      try {
        // The policy pins the bucket and key (added by createPresignedPost), the exact type, the
        // metadata and the size range; S3 refuses a POST that breaks any of them, or comes late.
        // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
        const post = await createPresignedPost(client, {
          Bucket: bucket,
          Key: key,
          Conditions: [
            ['content-length-range', 1, maxBytes],
            ['eq', '$Content-Type', contentType],
            ...Object.entries(metaFields).map(
              ([name, value]) => ['eq', `$${name}`, value] as ['eq', string, string],
            ),
          ],
          Fields: { 'Content-Type': contentType, ...metaFields },
          Expires: expiresSeconds,
        });
        return { url: post.url, fields: post.fields };
      } catch (error) {
        return fail('presignUpload', key, error);
      }
    },
    async presignDownload(key, expiresSeconds) {
      try {
        return await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
          expiresIn: expiresSeconds,
        });
      } catch (error) {
        return fail('presignDownload', key, error);
      }
    },
    async head(key): Promise<StoredObject | undefined> {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          size: out.ContentLength ?? 0,
          contentType: out.ContentType,
          metadata: out.Metadata ?? {},
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return fail('head', key, error);
      }
    },
    async read(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return fail('read', key, error);
      }
    },
    async write(key, body, contentType, metadata) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            Metadata: { ...metadata },
            // Derived copies are immutable (a new upload gets a new key): browsers may keep them.
            CacheControl: 'private, max-age=31536000, immutable',
          }),
        );
      } catch (error) {
        fail('write', key, error);
      }
    },
    async remove(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isNotFound(error)) return;
        fail('remove', key, error);
      }
    },
  };
}
