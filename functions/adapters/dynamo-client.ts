/**
 * The DynamoDB document client, created once per process. Locally DYNAMODB_ENDPOINT points it at
 * DynamoDB Local; on AWS it is unset and the SDK finds the regional endpoint itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A document client for the given endpoint (undefined: the region's AWS endpoint). */
export function createDocumentClient(options: {
  endpoint: string | undefined;
  region: string;
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Throttling and 5xx are retried by the SDK with backoff; the handler's own time budget
    // (Lambda timeout) bounds the total.
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
