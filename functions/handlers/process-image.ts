/**
 * process-image: the S3 ObjectCreated notification of the images bucket's `up/` prefix
 * (functions/buckets.ts). Derives the EXIF-free display copy and the thumbnail of each upload.
 * Locally the local S3 server's events invoke it (local/s3-local.ts).
 */
import type { S3Event } from 'aws-lambda';
import { createSharpCodec } from '../adapters/sharp-images';
import { createLogger } from '../adapters/logger';
import { readConfig } from '../config';
import { processUpload } from '../domain/image-processing';
import { createImageServices } from '../image-runtime';

// Not a WebSocket handler: no stores or throttles, only the configuration, a logger and S3.
const config = readConfig(process.env);
const log = createLogger('campus-chat', process.env);
const { store } = createImageServices({ config, log });
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
