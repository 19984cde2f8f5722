/**
 * CannedReplyStore over the `cannedReplies` table: one partition (`list = desk`), an item per reply
 * and a count item. An add is a transaction with the count's conditional increment, so two staff
 * adding at once can never go past the bound; a delete decrements it in the same transaction.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { MAX_CANNED_REPLIES } from '../../protocol/desk';
import type { CannedReplyRecord, CannedReplyStore } from '../domain/desk-ports';
import { cancellationReasons, isConditionalCheckFailed } from './dynamo-errors';

const LIST = 'desk';
/** The count item's sort key; no reply id starts with '#' (they are random UUIDs). */
const COUNT = '#count';
/** Rounds a write retries after losing to a concurrent transaction on the same items. */
const ATTEMPTS = 5;

type Item = Record<string, unknown>;

/** A CannedReplyStore backed by DynamoDB. */
export function createDynamoCannedReplyStore(
  client: DynamoDBDocumentClient,
  table: string,
): CannedReplyStore {
  return {
    async list() {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#list = :list',
          ExpressionAttributeNames: { '#list': 'list' },
          ExpressionAttributeValues: { ':list': LIST },
          // Every reply and the count item: bounded by the count.
          Limit: MAX_CANNED_REPLIES + 1,
          ConsistentRead: true,
        }),
      );
      return (Items ?? [])
        .filter((item) => item.replyId !== COUNT)
        .map(toRecord)
        .sort((a, b) => a.createdAt - b.createdAt || (a.replyId < b.replyId ? -1 : 1));
    },

    async add(reply, max) {
      return withRetries(async () => {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { list: LIST, replyId: COUNT },
                  UpdateExpression: 'ADD #n :one',
                  ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
                  ExpressionAttributeNames: { '#n': 'count' },
                  ExpressionAttributeValues: { ':one': 1, ':max': max },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { list: LIST, ...reply },
                  ConditionExpression: 'attribute_not_exists(replyId)',
                },
              },
            ],
          }),
        );
        return 'saved';
      }, 'full');
    },

    async update(reply) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { list: LIST, replyId: reply.replyId },
            UpdateExpression:
              'SET title = :title, #text = :text, updatedBy = :by, updatedByName = :byName, updatedAt = :at',
            ConditionExpression: 'attribute_exists(replyId)',
            ExpressionAttributeNames: { '#text': 'text' },
            ExpressionAttributeValues: {
              ':title': reply.title,
              ':text': reply.text,
              ':by': reply.updatedBy,
              ':byName': reply.updatedByName,
              ':at': reply.updatedAt,
            },
          }),
        );
        return 'saved';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'notFound';
        throw error;
      }
    },

    async remove(replyId) {
      if (replyId === COUNT) return false;
      const outcome = await withRetries(async () => {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: table,
                  Key: { list: LIST, replyId },
                  ConditionExpression: 'attribute_exists(replyId)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { list: LIST, replyId: COUNT },
                  UpdateExpression: 'ADD #n :minusOne',
                  ExpressionAttributeNames: { '#n': 'count' },
                  ExpressionAttributeValues: { ':minusOne': -1 },
                },
              },
            ],
          }),
        );
        return 'saved' as const;
      }, 'notFound');
      return outcome === 'saved';
    },
  };
}

/**
 * Runs a transaction; a failed condition answers `onCondition`, a conflict with a concurrent
 * transaction on the same items is retried.
 */
async function withRetries<T extends string>(run: () => Promise<T>, onCondition: T): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // The first item carries the condition that answers (the count, or the reply's existence).
      if (reasons[0]?.code === 'ConditionalCheckFailed') return onCondition;
      if (attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

function toRecord(item: Item): CannedReplyRecord {
  return {
    replyId: String(item.replyId),
    title: String(item.title ?? ''),
    text: String(item.text ?? ''),
    updatedBy: String(item.updatedBy ?? ''),
    updatedByName: String(item.updatedByName ?? ''),
    updatedAt: Number(item.updatedAt ?? 0),
    createdAt: Number(item.createdAt ?? 0),
  };
}
