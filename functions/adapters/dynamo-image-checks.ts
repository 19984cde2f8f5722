/**
 * ImageCheckStore over the `moderation` table: one item per submitted mediaCheckAsync, keyed
 * `messageKey = "check#<trace_id>"`, `entry = "mediaCheck"` (the message items of that table are
 * keyed `conversationId#seq`, so the two never meet; neither carries the openReports key).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ImageCheckRecord, ImageCheckStore } from '../domain/image-ports';
import { isConditionalCheckFailed } from './dynamo-errors';

const ENTRY = 'mediaCheck';

function keyOf(traceId: string) {
  return { messageKey: `check#${traceId}`, entry: ENTRY };
}

/** An ImageCheckStore backed by DynamoDB. */
export function createDynamoImageCheckStore(
  client: DynamoDBDocumentClient,
  table: string,
): ImageCheckStore {
  return {
    async recordSubmitted(record) {
      await client.send(
        new PutCommand({ TableName: table, Item: { ...keyOf(record.traceId), ...record } }),
      );
    },
    async get(traceId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keyOf(traceId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const verdict = Item.verdict as ImageCheckRecord['verdict'] | undefined;
      return {
        traceId: String(Item.traceId),
        conversationId: String(Item.conversationId),
        key: String(Item.key),
        senderId: String(Item.senderId),
        clientId: String(Item.clientId),
        submittedAt: Number(Item.submittedAt),
        ...(verdict ? { verdict } : {}),
        ...(typeof Item.label === 'number' ? { label: Item.label } : {}),
        ...(typeof Item.decidedAt === 'number' ? { decidedAt: Item.decidedAt } : {}),
      };
    },
    async markDecided(traceId, verdict, label, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(traceId),
            UpdateExpression:
              label === undefined
                ? 'SET verdict = :v, decidedAt = :at'
                : 'SET verdict = :v, decidedAt = :at, label = :label',
            ConditionExpression: 'attribute_exists(messageKey) AND attribute_not_exists(decidedAt)',
            ExpressionAttributeValues: {
              ':v': verdict,
              ':at': at,
              ...(label === undefined ? {} : { ':label': label }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
