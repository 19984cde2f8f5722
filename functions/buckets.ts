/**
 * The S3 buckets, declared once, like the tables in tables.ts: the local stack starts a local S3
 * server with them and the CDK stack provisions them from this list.
 *
 * `images` holds image messages. Clients upload straight to it with a presigned POST (never
 * through the WebSocket or a Lambda); the `process-image` function, run by S3's ObjectCreated
 * notification for the `uploads` prefix, writes the EXIF-free display copy and the thumbnail
 * beside it. Members only ever get presigned GET URLs for those derived copies.
 */

export type BucketId = 'images';

/** A notification from a bucket to a handler in functions/handlers/ (an S3 event source). */
export interface BucketEventSource {
  /** Handler file name under functions/handlers/ (without extension). */
  readonly handler: string;
  /** Only objects created under this key prefix notify (S3's notification filter). */
  readonly prefix: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface BucketDefinition {
  readonly id: BucketId;
  /** Environment variable through which a handler learns the physical bucket name. */
  readonly envVar: string;
  readonly description: string;
  /** Key prefixes, each with its own lifecycle on AWS. */
  readonly prefixes: {
    readonly uploads: string;
    readonly images: string;
    readonly thumbs: string;
    /** Empty markers of uploads that were not readable images (removed with the uploads). */
    readonly rejected: string;
  };
  /** Days after which an original upload (and a rejection marker) is deleted; derived copies stay. */
  readonly uploadRetentionDays: number;
  readonly events: readonly BucketEventSource[];
}

export const BUCKETS: readonly BucketDefinition[] = [
  {
    id: 'images',
    envVar: 'IMAGES_BUCKET',
    description:
      'Image messages: originals as uploaded (up/, removed after a day), EXIF-free display copies (img/) and thumbnails (th/).',
    prefixes: { uploads: 'up/', images: 'img/', thumbs: 'th/', rejected: 'bad/' },
    uploadRetentionDays: 1,
    events: [{ handler: 'process-image', prefix: 'up/', memoryMb: 1024, timeoutSeconds: 30 }],
  },
];

/** The bucket definition with the given id. */
export function bucketDefinition(id: BucketId): BucketDefinition {
  const bucket = BUCKETS.find((b) => b.id === id);
  if (!bucket) throw new Error(`unknown bucket ${id}`);
  return bucket;
}

/**
 * Physical bucket names, from each bucket's environment variable (set by the CDK stack) or, where
 * that is unset, `${TABLE_PREFIX}campus-chat-${id}` lowercased with anything S3 does not allow
 * in a name turned into `-` (the local stack and the tests).
 */
export function resolveBucketNames(env: NodeJS.ProcessEnv = process.env): Record<BucketId, string> {
  const prefix = (env.TABLE_PREFIX ?? '').toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  const names = {} as Record<BucketId, string>;
  for (const bucket of BUCKETS) {
    names[bucket.id] = env[bucket.envVar] ?? `${prefix}campus-chat-${bucket.id}`;
  }
  return names;
}
