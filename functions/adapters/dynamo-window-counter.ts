/**
 * WindowCounter over the `rateLimits` table: one item per key and fixed window, incremented by a
 * conditional update that fails once the window's limit is reached — exact across all function
 * instances, one write per call, and the item expires (TTL) shortly after its window.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WindowCounter } from '../domain/web-login';
import { isConditionalCheckFailed } from './dynamo-errors';

export function createDynamoWindowCounter(
  client: DynamoDBDocumentClient,
  table: string,
): WindowCounter {
  return {
    async take(key, limit, windowSeconds, now) {
      const windowMs = windowSeconds * 1000;
      const start = Math.floor(now / windowMs) * windowMs;
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { limitKey: `${key}#${start}` },
            UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':expiresAt': Math.ceil((start + windowMs) / 1000) + 60,
            },
          }),
        );
        return 0;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return start + windowMs - now;
        throw error;
      }
    },
  };
}
