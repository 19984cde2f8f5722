/**
 * Public AWS prices the cost model uses: US East (N. Virginia), on-demand, no free tier, as
 * published on each service's pricing page. Prices change: check the source and the date before
 * quoting a figure, and update both here.
 */

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

/** When the prices below were read from their pages. */
export const PRICES_CHECKED = '2026-11-21';
export const PRICE_REGION = 'us-east-1 (N. Virginia)';

export const PRICES = {
  apiGatewayMessage: {
    usd: 1.0 / 1_000_000,
    per: 'WebSocket message (first 1 billion/month), metered in 32 KB increments',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  apiGatewayConnectionMinute: {
    usd: 0.25 / 1_000_000,
    per: 'WebSocket connection-minute',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    per: 'Lambda request',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    per: 'Lambda GB-second, arm64 (first 7.5 billion GB-s/month), billed per 1 ms',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1_000_000,
    per: 'DynamoDB on-demand write request unit (1 KB; transactional writes 2 units)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1_000_000,
    per: 'DynamoDB on-demand read request unit (4 KB strongly consistent, 2 × 4 KB eventually)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    per: 'DynamoDB Standard table storage, GB-month (after the first 25 GB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  s3PutRequest: {
    usd: 0.005 / 1000,
    per: 'S3 Standard PUT, COPY, POST or LIST request',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3GetRequest: {
    usd: 0.0004 / 1000,
    per: 'S3 Standard GET, SELECT or other request (HEAD included)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3StorageGbMonth: {
    usd: 0.023,
    per: 'S3 Standard storage, GB-month (first 50 TB)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  dataTransferOutGb: {
    usd: 0.09,
    per: 'Data transfer out from S3 to the internet, GB (first 10 TB/month, after the free 100 GB)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
} as const satisfies Record<string, Price>;

/** API Gateway meters WebSocket messages in 32 KB increments. */
export const MESSAGE_METERING_BYTES = 32 * 1024;
