/**
 * The cdk-nag AwsSolutions findings that are deliberate. Each is acknowledged on the narrowest
 * construct it concerns, for the exact finding (a rule id plus, for granular rules, the resource),
 * and carries the reason. Anything not acknowledged here fails `cdk synth` and the infra tests.
 */
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/** Why each kind of finding is acceptable. */
export const NAG_REASONS = {
  connectRouteAuth:
    'A WebSocket API can only authorize $connect. The $connect handler itself verifies the ' +
    'HS256 session token from the query string and refuses the handshake with 401/403; a Lambda ' +
    'authorizer would cost a second invocation per connection for the same check.',
  frameRouteAuth:
    'API Gateway cannot attach an authorizer to a WebSocket route other than $connect. Frames ' +
    'only arrive on connections $connect authenticated, and every handler identifies the caller ' +
    'from the connection record written at $connect, never from the frame (docs/protocol.md).',
  loginRouteAuth:
    'POST /login is where a user obtains credentials, so it is public by design: the wx.login ' +
    "code is verified with WeChat's code2Session, and the stage is throttled.",
  pushRouteAuth:
    "/wechat-push is WeChat's message push: WeChat cannot present an AWS or Cognito identity, " +
    'so the function verifies each request by its signature (SHA-1 of the push Token, timestamp ' +
    'and nonce, timestamp within 5 minutes) before reading the body.',
  tableIndexGrant:
    'grant*Data() adds "<table>/index/*" so the handler can Query the global secondary indexes ' +
    'this table declares in functions/tables.ts; the resource stays within this one table.',
  manageConnections:
    'execute-api:ManageConnections on this API and this stage only; connection ids are created ' +
    'at run time, so "@connections/*" cannot be narrowed further.',
  apiGatewayLoggingRole:
    'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for the account-level ' +
    'role API Gateway uses to write logs (WebSocket access logging requires it); only the ' +
    'apigateway.amazonaws.com service can assume the role.',
  deadLetterQueue:
    'This queue is itself the on-failure destination of a stream event-source mapping ' +
    '(functions/event-sources.ts): it holds the records of batches that failed every retry, ' +
    'and an alarm fires on its first message. A dead-letter queue of a dead-letter queue would ' +
    'only move the same records once more.',
  listStreams:
    'A DynamoDB event-source mapping needs dynamodb:ListStreams, which works on no narrower ' +
    'resource than "*" (it lists stream ARNs and reads no data); reading the stream itself ' +
    "(DescribeStream, GetShardIterator, GetRecords) is granted on this table's stream only.",
  olderRuntime:
    'The AWS China regions get new Lambda runtimes later than the global regions, and the ' +
    'newest Node.js runtime is not confirmed in cn-north-1/cn-northwest-1, so there (and in a ' +
    'synth that does not know its region) the handlers default to the newest runtime that is; ' +
    'the lambdaRuntime setting overrides it (docs/deploy.md).',
  consoleBucketLogs:
    'The console bucket holds only the public static build (HTML, JS, CSS); it is private ' +
    'behind CloudFront origin access control, and requests are visible in CloudFront metrics.',
  consoleCdnLogs:
    'Standard CloudFront logs need an ACL-enabled log bucket; the console serves a static build ' +
    'whose every API call is logged by API Gateway and the functions.',
  consoleGeo:
    'The desk console is used from the campus and from staff homes; no country is excluded.',
  consoleWaf:
    'The distribution serves static files only; the APIs behind it are throttled per stage and ' +
    'rate-limited per address in the functions, and WAF would be a fixed monthly cost.',
  consoleDefaultCertificate:
    'Without consoleDomain the console uses the *.cloudfront.net certificate, whose TLS policy ' +
    'CloudFront fixes; with consoleDomain the distribution requires TLS 1.2 (TLSv1.2_2021).',
  consoleChinaOai:
    'The AWS China regions do not offer CloudFront origin access control ' +
    '(AWS::CloudFront::OriginAccessControl); the console bucket is read there through an origin ' +
    'access identity, still private to the distribution.',
  consoleChinaCertificate:
    'In the China regions the distribution serves the ICP-filed domain with its IAM server ' +
    'certificate and TLSv1.2_2021, set as a property override (the L2 models ACM only), which ' +
    'cdk-nag does not read; infra/lib/console-hosting.test.ts asserts the override.',
  cdkCustomResource:
    'A CDK-provided custom resource (BucketDeployment, auto-delete objects): its role, policy ' +
    'and runtime are managed by aws-cdk-lib and run only during deployments.',
  imageBucketAccessLogs:
    'The image bucket is reached only through presigned URLs the handlers sign for members of a ' +
    "conversation; who asked for which URL is in the handlers' logs. S3 server access logs " +
    'would need a second bucket and log every thumbnail GET, for no question the logs cannot answer.',
  notificationsHandler:
    "CDK's BucketNotificationsHandler is the singleton function CloudFormation runs once at deploy " +
    'time to write the bucket notification of process-image; CDK gives its role ' +
    'AWSLambdaBasicExecutionRole and offers no way to replace it.',
  workerInvoke:
    'grantInvoke adds "<function>:*" beside the function so the caller may invoke its versions ' +
    'and aliases; the resource stays this one worker function (functions/workers.ts).',
  imageObjectGrant:
    'Object keys are created at run time (one random key per upload), so the grant names the ' +
    'key prefix of functions/buckets.ts ("up/*", "img/*", "th/*", "bad/*") in this one bucket.',
} as const;

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** A WebSocket or HTTP API route deliberately without an API Gateway authorizer. */
export function acknowledgeRouteWithoutAuthorizer(
  route: IConstruct,
  reason: keyof typeof NAG_REASONS,
): void {
  acknowledge(route, 'AwsSolutions-APIG4', NAG_REASONS[reason]);
}

/** The `<table>/index/*` resource that table grants add for a table with indexes. */
export function acknowledgeIndexGrant(grantee: IConstruct, table: ITable): void {
  const cfn = table.node.defaultChild as CfnElement;
  const logicalId = Stack.of(cfn).resolve(cfn.logicalId) as string;
  acknowledge(
    grantee,
    `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
    NAG_REASONS.tableIndexGrant,
  );
}

/** The `.../<apiId>/<stage>/*\/@connections/*` resource of a stage's management API grant. */
export function acknowledgeManageConnections(
  grantee: IConstruct,
  api: IWebSocketApi,
  stageName: string,
): void {
  const stack = Stack.of(api);
  const apiCfn = api.node.defaultChild as CfnElement;
  const apiLogicalId = stack.resolve(apiCfn.logicalId) as string;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  acknowledge(
    grantee,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${apiLogicalId}>/${stageName}/*/@connections/*]`,
    NAG_REASONS.manageConnections,
  );
}

/** The `<function>:*` (versions and aliases) resource of a worker function's invoke grant. */
export function acknowledgeInvoke(
  grantee: IConstruct,
  worker: { readonly function: IConstruct },
): void {
  const cfn = worker.function.node.defaultChild as CfnElement;
  const logicalId = Stack.of(cfn).resolve(cfn.logicalId) as string;
  acknowledge(
    grantee,
    `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
    NAG_REASONS.workerInvoke,
  );
}

/** The AWS managed policy on the API Gateway account logging role. */
export function acknowledgeApiGatewayLoggingRole(role: IConstruct): void {
  acknowledge(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    NAG_REASONS.apiGatewayLoggingRole,
  );
}

/** A handler on a Node.js runtime older than the newest (the China default, or the operator's). */
export function acknowledgeOlderRuntime(fn: IConstruct): void {
  acknowledge(fn, 'AwsSolutions-L1', NAG_REASONS.olderRuntime);
}

/** The console's bucket, distribution and deployment (infra/lib/console-hosting.ts). */
export function acknowledgeConsoleHosting(
  scope: IConstruct,
  bucket: IConstruct | undefined,
  distribution: IConstruct | undefined,
  customDomain: boolean,
  deployment?: IConstruct,
  china = false,
): void {
  if (bucket && !deployment) acknowledge(bucket, 'AwsSolutions-S1', NAG_REASONS.consoleBucketLogs);
  if (distribution) {
    acknowledge(distribution, 'AwsSolutions-CFR3', NAG_REASONS.consoleCdnLogs);
    acknowledge(distribution, 'AwsSolutions-CFR1', NAG_REASONS.consoleGeo);
    acknowledge(distribution, 'AwsSolutions-CFR2', NAG_REASONS.consoleWaf);
    if (!customDomain) {
      acknowledge(distribution, 'AwsSolutions-CFR4', NAG_REASONS.consoleDefaultCertificate);
    }
    if (china) {
      acknowledge(distribution, 'AwsSolutions-CFR7', NAG_REASONS.consoleChinaOai);
      acknowledge(distribution, 'AwsSolutions-CFR4', NAG_REASONS.consoleChinaCertificate);
    }
  }
  if (deployment) {
    // The singleton handlers aws-cdk-lib adds at the stack's top level for these two features.
    const providers = Stack.of(scope).node.children.filter(
      (child) =>
        child.node.id.startsWith('Custom::CDKBucketDeployment') ||
        child.node.id.startsWith('Custom::S3AutoDeleteObjects'),
    );
    const stack = Stack.of(scope);
    const named = (value: string, placeholder: string) =>
      Token.isUnresolved(value) ? placeholder : value;
    const assets = `cdk-hnb659fds-assets-${named(stack.account, '<AWS::AccountId>')}-${named(stack.region, '<AWS::Region>')}`;
    const bucketCfn = bucket?.node.defaultChild as CfnElement | undefined;
    const findings = [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
        (action) => `AwsSolutions-IAM5[Action::${action}]`,
      ),
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assets}/*]`,
      'AwsSolutions-IAM5[Resource::*]',
      ...(bucketCfn
        ? [`AwsSolutions-IAM5[Resource::<${stack.resolve(bucketCfn.logicalId) as string}.Arn>/*]`]
        : []),
    ];
    for (const provider of providers) {
      for (const id of findings) acknowledge(provider, id, NAG_REASONS.cdkCustomResource);
    }
  }
}

/** The on-failure destination of a stream mapping, which cdk-nag takes for a queue without a DLQ. */
export function acknowledgeDeadLetterQueue(queue: IConstruct): void {
  acknowledge(queue, 'AwsSolutions-SQS3', NAG_REASONS.deadLetterQueue);
}

/** dynamodb:ListStreams on "*", which an event-source mapping's role needs. */
export function acknowledgeListStreams(grantee: IConstruct): void {
  acknowledge(grantee, 'AwsSolutions-IAM5[Resource::*]', NAG_REASONS.listStreams);
}
/** The image bucket without server access logs. */
export function acknowledgeImageBucketAccessLogs(bucket: IConstruct): void {
  acknowledge(bucket, 'AwsSolutions-S1', NAG_REASONS.imageBucketAccessLogs);
}

/** An object grant on one key prefix of an image bucket (`<bucket>.Arn/up/*` and the like). */
export function acknowledgeImageObjectGrant(
  grantee: IConstruct,
  bucket: IConstruct,
  pattern: string,
): void {
  const cfn = bucket.node.defaultChild as CfnElement;
  const logicalId = Stack.of(cfn).resolve(cfn.logicalId) as string;
  acknowledge(
    grantee,
    `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${pattern}]`,
    NAG_REASONS.imageObjectGrant,
  );
}

/**
 * CDK's BucketNotificationsHandler, the singleton function that writes a bucket's notification
 * configuration at deploy time (not ours to shape): its role has AWSLambdaBasicExecutionRole.
 */
export function acknowledgeNotificationsHandler(stack: Stack): void {
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    acknowledge(
      child,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      NAG_REASONS.notificationsHandler,
    );
  }
}
