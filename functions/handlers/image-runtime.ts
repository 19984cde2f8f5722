/**
 * Wiring of image messages, built once per process at module load like chat-runtime.ts: one S3
 * client and the image store of the images bucket. (Kept apart from chat-runtime.ts so it moves
 * into `createRuntime(env)` as one piece.)
 */
import { randomBytes } from 'node:crypto';
import { createS3Client, createS3ImageStore } from '../adapters/s3-images';
import type { ImageServices } from '../domain/images';
import { config, log } from './chat-runtime';

const s3 = createS3Client({ endpoint: config.images.s3Endpoint, region: config.region });

/** The image services of every frame handler in this process. */
export const imageServices: ImageServices = {
  store: createS3ImageStore(s3, config.images.buckets.images, log),
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  readyWaitMs: config.images.readyWaitMs,
  readyPollMs: 100,
};
