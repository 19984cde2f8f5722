/**
 * The image bucket and its process-image function, from functions/buckets.ts: private, TLS only,
 * encrypted, retained, lifecycle for orphaned uploads, CORS for the console's origins only, the
 * ObjectCreated notification on `up/`, and grants from functions/routes.ts on key prefixes only.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketDefinition } from '../../functions/buckets';
import {
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';

afterAll(removeSynthOutputs);

const ORIGIN = 'https://desk.example.edu.cn';
let synth: Synthesized;
let bare: Synthesized;

beforeAll(() => {
  synth = synthesize({ region: 'us-east-1', settings: { consoleOrigins: [ORIGIN] } });
  bare = synthesize({ region: 'us-east-1' });
});

function policyStatementsOf(s: Synthesized, roleFragment: string): unknown[] {
  const policies = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([id]) =>
    id.toLowerCase().includes(roleFragment.toLowerCase()),
  );
  return policies.flatMap(([, r]) => r.Properties.PolicyDocument.Statement as unknown[]);
}

describe('the images bucket', () => {
  it('is private, TLS only, encrypted and retained', () => {
    synth.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
      }),
    });
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('removes orphaned uploads and rejection markers, and aborts incomplete uploads', () => {
    const images = bucketDefinition('images');
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: images.prefixes.uploads,
            ExpirationInDays: images.uploadRetentionDays,
            Status: 'Enabled',
          }),
          Match.objectLike({ Prefix: images.prefixes.rejected, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  });

  it("allows the console's origins only, and none without them", () => {
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({ AllowedOrigins: [ORIGIN], AllowedMethods: ['POST', 'GET'] }),
        ],
      },
    });
    const buckets = resourcesOf(bare.json, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [, bucket] of buckets) expect(bucket.Properties.CorsConfiguration).toBeUndefined();
  });

  it('notifies process-image of objects created under up/', () => {
    synth.template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'up/' }] } },
          }),
        ],
      },
    });
  });

  it('grants on key prefixes only: upload may put uploads, never read them', () => {
    const statements = JSON.stringify(policyStatementsOf(synth, 'uploadHandler'));
    expect(statements).toContain('/up/*');
    expect(statements).toContain('/img/*');
    expect(statements).toContain('s3:PutObject');
    expect(statements).not.toContain('s3:DeleteObject');
    // No whole-bucket object resource (`<bucket>.Arn/*`).
    expect(statements).not.toMatch(/Arn"\]\},"\/\*"/);
  });

  it('passes each handler that declares the bucket its name', () => {
    const functions = resourcesOf(synth.json, 'AWS::Lambda::Function');
    const withBucket = functions.filter(
      ([, f]) => f.Properties.Environment?.Variables?.IMAGES_BUCKET,
    );
    const names = withBucket.map(([id]) => id);
    for (const handler of ['upload', 'imageurls', 'sendmessage', 'sync', 'processimage']) {
      expect(
        names.some((id) => id.toLowerCase().includes(handler)),
        handler,
      ).toBe(true);
    }
  });
});
