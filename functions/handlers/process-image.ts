/**
 * process-image: the S3 ObjectCreated notification of the images bucket's `up/` prefix
 * (functions/buckets.ts). Derives the EXIF-free display copy and the thumbnail of each upload.
 * Locally the local S3 server's events invoke it (local/s3-local.ts).
 */
import type { S3Event } from 'aws-lambda';
import { createS3Client, createS3ImageStore } from '../adapters/s3-images';
import { createSharpCodec } from '../adapters/sharp-images';
import { createLogger } from '../adapters/logger';
import { readConfig } from '../config';
import { processUpload } from '../domain/image-processing';

const config = readConfig();
const log = createLogger();
const store = createS3ImageStore(
  createS3Client({ endpoint: config.images.s3Endpoint, region: config.region }),
  config.images.buckets.images,
  log,
);
const codec = createSharpCodec();

/** S3 event keys are URL-encoded with `+` for spaces. */
function objectKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    const key = objectKey(record.s3.object.key);
    const outcome = await processUpload(store, codec, log, key);
    log.info('upload processed', { key, outcome });
  }
}
