/**
 * The image buckets of functions/buckets.ts and their event functions (process-image). Each
 * bucket is private (all public access blocked, objects owned by the bucket owner), TLS only,
 * encrypted with S3-managed keys, retained with the stack's data, with lifecycle rules that
 * remove original uploads and rejection markers after `uploadRetentionDays` (an upload that never
 * became a message is an orphan; its derived copies are what messages refer to) and abort
 * incomplete multipart uploads. CORS lets the console's origins POST uploads and GET images.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BucketDefinition, BucketId } from '../../functions/buckets';
import type { BucketAccess } from '../../functions/routes';
import { HandlerFunction } from './handler-function';
import type { HandlerPlatform } from './handler-platform';
import {
  acknowledgeImageBucketAccessLogs,
  acknowledgeImageObjectGrant,
  acknowledgeNotificationsHandler,
} from './nag-suppressions';

export interface ImageStorageProps {
  readonly definitions: readonly BucketDefinition[];
  /** Browser origins of the console (CORS); the mini-program's wx.uploadFile needs none. */
  readonly consoleOrigins: readonly string[];
  /** Configuration every handler gets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly platform: HandlerPlatform;
  readonly logRetention: logs.RetentionDays;
}

export class ImageStorage extends Construct {
  readonly buckets: Record<BucketId, s3.Bucket>;
  /** The bucket event functions by handler name. */
  readonly functions: ReadonlyMap<string, HandlerFunction>;

  constructor(scope: Construct, id: string, props: ImageStorageProps) {
    super(scope, id);
    const buckets: Partial<Record<BucketId, s3.Bucket>> = {};
    const functions = new Map<string, HandlerFunction>();
    for (const definition of props.definitions) {
      const bucket = new s3.Bucket(this, definition.id, {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        encryption: s3.BucketEncryption.S3_MANAGED,
        // What users sent, like the durable tables: never dropped by a destroy or a replacement.
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [
          {
            id: 'orphan-uploads',
            prefix: definition.prefixes.uploads,
            expiration: Duration.days(definition.uploadRetentionDays),
          },
          {
            id: 'rejection-markers',
            prefix: definition.prefixes.rejected,
            expiration: Duration.days(definition.uploadRetentionDays),
          },
          { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
        ...(props.consoleOrigins.length > 0
          ? {
              cors: [
                {
                  allowedOrigins: [...props.consoleOrigins],
                  allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET],
                  allowedHeaders: ['*'],
                  maxAge: 3000,
                },
              ],
            }
          : {}),
      });
      acknowledgeImageBucketAccessLogs(bucket);
      buckets[definition.id] = bucket;

      for (const source of definition.events) {
        const fn = new HandlerFunction(this, `${source.handler}Handler`, {
          handler: source.handler,
          description: `campus-chat ${definition.id} bucket event ${source.handler}`,
          memoryMb: source.memoryMb,
          timeoutSeconds: source.timeoutSeconds,
          logRetention: props.logRetention,
          platform: props.platform,
          nativeModules: ['sharp'],
          environment: { ...props.environment, [definition.envVar]: bucket.bucketName },
        });
        grantBucketAccess(fn, bucket, definition, 'process');
        // CDK's own function that writes the notification configuration (one per stack).
        bucket.addEventNotification(
          s3.EventType.OBJECT_CREATED,
          new s3n.LambdaDestination(fn.function),
          { prefix: source.prefix },
        );
        functions.set(source.handler, fn);
        acknowledgeNotificationsHandler(Stack.of(this));
      }
    }
    this.buckets = buckets as Record<BucketId, s3.Bucket>;
    this.functions = functions;
  }
}

/**
 * Grants what a declared bucket access needs (functions/routes.ts BucketAccess), on key prefixes
 * only: presigning a POST needs s3:PutObject on `up/*` (the URL carries the signer's authority),
 * presigning GETs s3:GetObject on the derived copies, HEAD s3:GetObject (S3 has no HEAD action)
 * on uploads, copies and markers; processing reads uploads, writes copies and markers and
 * deletes rejected uploads.
 */
export function grantBucketAccess(
  handler: HandlerFunction,
  bucket: s3.IBucket,
  definition: BucketDefinition,
  access: BucketAccess,
): void {
  const grantee = handler.function;
  const { uploads, images, thumbs, rejected } = definition.prefixes;
  const reads = new Set<string>();
  const puts = new Set<string>();
  const deletes = new Set<string>();
  if (access === 'presign' || access === 'presignAndHead') {
    puts.add(uploads);
    reads.add(images).add(thumbs);
  }
  if (access === 'head' || access === 'presignAndHead')
    reads.add(uploads).add(images).add(rejected);
  if (access === 'remove') deletes.add(uploads).add(images).add(thumbs);
  if (access === 'process') {
    reads.add(uploads);
    puts.add(images).add(thumbs).add(rejected);
    deletes.add(uploads);
  }
  // Exact actions rather than grantRead/grantPut, whose s3:GetObject*, s3:List* and s3:Abort*
  // would let a handler list every key or read object ACLs.
  const grant = (action: string, prefixes: Set<string>) => {
    if (prefixes.size === 0) return;
    iam.Grant.addToPrincipal({
      grantee,
      actions: [action],
      resourceArns: [...prefixes].map((prefix) => bucket.arnForObjects(`${prefix}*`)),
    });
    for (const prefix of prefixes) acknowledgeImageObjectGrant(handler, bucket, `${prefix}*`);
  };
  grant('s3:GetObject', reads);
  grant('s3:PutObject', puts);
  grant('s3:DeleteObject', deletes);
  // DeleteObject of a missing key succeeds (204) without s3:ListBucket.
  if (access !== 'presign' && access !== 'remove') {
    // Without s3:ListBucket, S3 answers a HEAD of a missing object 403 instead of 404, and a send
    // naming a key that was never uploaded could not be told from a broken permission.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [bucket.bucketArn],
    });
  }
}
