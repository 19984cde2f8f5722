/**
 * The image part of a handler runtime (createRuntime in runtime.ts): one S3 client and the image
 * store of the images bucket, built once per function instance. Apart from runtime.ts so only the
 * handlers that use images (upload, imageurls, sendmessage, sync, process-image, recall, remove,
 * wechat-push) bundle the S3 SDK and pay for it at cold start.
 */
import { randomBytes } from 'node:crypto';
import { createDynamoImageCheckStore } from './adapters/dynamo-image-checks';
import { createS3Client, createS3ImageStore } from './adapters/s3-images';
import { createWeChatMediaChecker } from './adapters/wechat-media-check';
import type { ImageCheckServices } from './domain/image-check';
import type { ImageServices } from './domain/images';
import type { Runtime } from './runtime';

/** The image services of one runtime. */
export function createImageServices(runtime: Pick<Runtime, 'config' | 'log'>): ImageServices {
  const { config, log } = runtime;
  const s3 = createS3Client({ endpoint: config.images.s3Endpoint, region: config.region });
  return {
    store: createS3ImageStore(s3, config.images.buckets.images, log),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    readyWaitMs: config.images.readyWaitMs,
    readyPollMs: 100,
  };
}

/**
 * WeChat's picture check of one runtime (functions/domain/image-check.ts): mediaCheckAsync through
 * the runtime's WeChat client, the submitted checks in the moderation table.
 */
export function createImageCheckServices(
  runtime: Pick<Runtime, 'config' | 'log' | 'db' | 'wechat'>,
): ImageCheckServices {
  return {
    checker: createWeChatMediaChecker(runtime.wechat.api, runtime.log),
    checks: createDynamoImageCheckStore(runtime.db, runtime.config.tables.moderation),
  };
}
