/**
 * ConnectionRegistry over two tables: `connections` (one item per socket, with the set of topics it
 * is subscribed to) and `subscriptions` (topic -> connection, the fan-out index). Delivery reads
 * one subscriptions partition per topic, so its cost depends on the audience, never on how many
 * connections exist in total.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ConnectionRecord,
  ConnectionRegistry,
  Subscriber,
  SubscriptionEntry,
} from '../domain/ports';
import { INDEX } from '../tables';
import { batchGetAll, batchWriteAll, queryAll } from './dynamo-batch';
import { isConditionalCheckFailed } from './dynamo-errors';

/** A ConnectionRegistry backed by DynamoDB. */
export function createDynamoConnectionRegistry(
  client: DynamoDBDocumentClient,
  tables: { connections: string; subscriptions: string },
  now: () => number = Date.now,
): ConnectionRegistry {
  const subscriptionPut = (entry: SubscriptionEntry, expiresAt: number) => ({
    table: tables.subscriptions,
    request: { PutRequest: { Item: { ...entry, expiresAt } } },
  });
  const subscriptionDelete = (topic: string, connectionId: string) => ({
    table: tables.subscriptions,
    request: { DeleteRequest: { Key: { topic, connectionId } } },
  });

  /** Adds or removes topics on connection items; returns the connections that still exist. */
  async function updateTopics(
    verb: 'ADD' | 'DELETE',
    byConnection: Map<string, string[]>,
  ): Promise<Set<string>> {
    const alive = new Set<string>();
    await Promise.all(
      [...byConnection].map(async ([connectionId, topics]) => {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tables.connections,
              Key: { connectionId },
              UpdateExpression: `${verb} topics :topics`,
              ConditionExpression: 'attribute_exists(connectionId)',
              ExpressionAttributeValues: { ':topics': new Set(topics) },
            }),
          );
          alive.add(connectionId);
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }),
    );
    return alive;
  }

  function groupByConnection(entries: readonly { topic: string; connectionId: string }[]) {
    const grouped = new Map<string, string[]>();
    for (const { topic, connectionId } of entries) {
      grouped.set(connectionId, [...(grouped.get(connectionId) ?? []), topic]);
    }
    return grouped;
  }

  return {
    async open(connection, expiresAt) {
      const { topics, ...rest } = connection;
      // The record first, listing every topic: a subscription item never exists unless its topic
      // is on the record, so close() always finds every subscription, whatever step failed.
      await client.send(
        new PutCommand({
          TableName: tables.connections,
          Item: { ...rest, topics: new Set(topics), expiresAt },
        }),
      );
      await batchWriteAll(
        client,
        topics.map((topic) =>
          subscriptionPut(
            { topic, connectionId: connection.connectionId, userId: connection.userId },
            expiresAt,
          ),
        ),
      );
    },

    async lookup(connectionId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.connections,
          Key: { connectionId },
          ConsistentRead: true,
        }),
      );
      return Item ? toConnection(Item) : undefined;
    },

    async close(connectionId, options = {}) {
      const { connectedBefore } = options;
      // Subscriptions go first and the record last: a close that fails part way leaves the record
      // listing what remains, and any later close (a retry, a fan-out meeting 410) finishes it.
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.connections,
          Key: { connectionId },
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      const seen = toConnection(Item);
      if (connectedBefore !== undefined && !(seen.connectedAt < connectedBefore)) return undefined;
      await batchWriteAll(
        client,
        seen.topics.map((topic) => subscriptionDelete(topic, connectionId)),
      );
      let Attributes: Record<string, unknown> | undefined;
      try {
        ({ Attributes } = await client.send(
          new DeleteCommand({
            TableName: tables.connections,
            Key: { connectionId },
            ReturnValues: 'ALL_OLD',
            ...(connectedBefore !== undefined
              ? {
                  ConditionExpression: 'connectedAt < :before',
                  ExpressionAttributeValues: { ':before': connectedBefore },
                }
              : {}),
          }),
        ));
      } catch (error) {
        // Absent, or too young to be closed: nothing was deleted.
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
      if (!Attributes) return undefined;
      const closed = toConnection(Attributes);
      // A topic subscribed between the read and the delete (a join racing the close).
      const added = closed.topics.filter((topic) => !seen.topics.includes(topic));
      await batchWriteAll(
        client,
        added.map((topic) => subscriptionDelete(topic, connectionId)),
      );
      return closed;
    },

    async subscribe(entries, expiresAt) {
      // Topics go on the connection item first, and only live connections get subscription
      // items: a connection that closed meanwhile must not be resurrected in the fan-out index.
      const alive = await updateTopics('ADD', groupByConnection(entries));
      await batchWriteAll(
        client,
        entries.filter((e) => alive.has(e.connectionId)).map((e) => subscriptionPut(e, expiresAt)),
      );
    },

    async unsubscribe(entries) {
      await updateTopics('DELETE', groupByConnection(entries));
      await batchWriteAll(
        client,
        entries.map((e) => subscriptionDelete(e.topic, e.connectionId)),
      );
    },

    async subscribers(topic) {
      const nowSeconds = Math.floor(now() / 1000);
      const items = await queryAll(client, {
        TableName: tables.subscriptions,
        KeyConditionExpression: 'topic = :topic',
        ExpressionAttributeValues: { ':topic': topic },
        ProjectionExpression: 'connectionId, userId, expiresAt',
      });
      // TTL deletion lags; an expired item is a connection that cannot be open any more.
      return items
        .filter((item) => Number(item.expiresAt) > nowSeconds)
        .map((item): Subscriber => ({
          connectionId: String(item.connectionId),
          userId: String(item.userId),
        }));
    },

    async hasSubscribers(topic) {
      // A COUNT query still stops at 1 MB of items read, so follow pages until one counts.
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tables.subscriptions,
            KeyConditionExpression: 'topic = :topic',
            FilterExpression: 'expiresAt > :now',
            ExpressionAttributeValues: { ':topic': topic, ':now': Math.floor(now() / 1000) },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        if ((page.Count ?? 0) > 0) return true;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return false;
    },

    async setBackground(connectionId, background, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.connections,
            Key: { connectionId },
            UpdateExpression: background
              ? 'SET background = :true, appStateAt = :at'
              : 'REMOVE background SET appStateAt = :at',
            ConditionExpression: 'attribute_exists(connectionId)',
            ExpressionAttributeValues: { ':at': at, ...(background ? { ':true': true } : {}) },
          }),
        );
      } catch (error) {
        // Closed meanwhile: nothing to mark, and nothing may be recreated.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async lookupMany(connectionIds) {
      if (connectionIds.length === 0) return [];
      const found = await batchGetAll(client, {
        [tables.connections]: [...new Set(connectionIds)].map((connectionId) => ({
          connectionId,
        })),
      });
      return (found[tables.connections] ?? []).map(toConnection);
    },

    async connectionsOf(userId) {
      const items = await queryAll(client, {
        TableName: tables.connections,
        IndexName: INDEX.connectionsByUser,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      });
      return items.map((item) => String(item.connectionId));
    },
  };
}

function toConnection(item: Record<string, unknown>): ConnectionRecord {
  const topics = item.topics instanceof Set ? [...(item.topics as Set<string>)] : [];
  return {
    connectionId: String(item.connectionId),
    userId: String(item.userId),
    name: String(item.name),
    role: item.role === 'admin' ? 'admin' : 'student',
    connectedAt: Number(item.connectedAt),
    ...(typeof item.webSessionId === 'string' ? { webSessionId: item.webSessionId } : {}),
    topics,
    ...(item.background === true ? { background: true } : {}),
  };
}
