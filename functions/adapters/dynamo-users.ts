/** UserStore over the users table. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors';
import type { UserLiveState, UserRecord, UserStore } from '../domain/ports';

/** A UserStore backed by DynamoDB. */
export function createDynamoUserStore(client: DynamoDBDocumentClient, table: string): UserStore {
  /** One atomic ADD or DELETE on a string set of the user's item, answering the item after it. */
  async function change(
    userId: string,
    verb: 'ADD' | 'DELETE',
    attribute: 'liveRooms' | 'liveConnections',
    values: readonly string[],
  ): Promise<UserLiveState> {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { userId },
        UpdateExpression: `${verb} #set :values`,
        // Only users who logged in: never create a bare item for an id that has none.
        ConditionExpression: 'attribute_exists(userId)',
        ExpressionAttributeNames: { '#set': attribute },
        ExpressionAttributeValues: { ':values': new Set(values) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toLiveState(Attributes ?? {});
  }

  return {
    attachConnection: (userId, connectionId) =>
      change(userId, 'ADD', 'liveConnections', [connectionId]),
    async detachConnection(userId, connectionIds) {
      if (connectionIds.length === 0) return;
      try {
        await change(userId, 'DELETE', 'liveConnections', connectionIds);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
    addRoom: (userId, conversationId) => change(userId, 'ADD', 'liveRooms', [conversationId]),
    removeRoom: (userId, conversationId) => change(userId, 'DELETE', 'liveRooms', [conversationId]),
    async get(userId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: { userId }, ConsistentRead: true }),
      );
      return Item ? toUser(Item) : undefined;
    },
    async recordLogin(user, at) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { userId: user.userId },
          UpdateExpression:
            'SET #name = :name, #role = :role, lastLoginAt = :at, createdAt = if_not_exists(createdAt, :at), blocked = if_not_exists(blocked, :no)',
          ExpressionAttributeNames: { '#name': 'name', '#role': 'role' },
          ExpressionAttributeValues: {
            ':name': user.name,
            ':role': user.role,
            ':at': at,
            ':no': false,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toUser(Attributes ?? { ...user, createdAt: at, lastLoginAt: at, blocked: false });
    },
    async setBlocked(userId, blocked) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { userId },
            UpdateExpression: 'SET blocked = :blocked',
            ConditionExpression: 'attribute_exists(userId)',
            ExpressionAttributeValues: { ':blocked': blocked },
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

function toLiveState(item: Record<string, unknown>): UserLiveState {
  const list = (value: unknown) => (value instanceof Set ? [...(value as Set<string>)] : []);
  return { rooms: list(item.liveRooms), connections: list(item.liveConnections) };
}

function toUser(item: Record<string, unknown>): UserRecord {
  return {
    userId: String(item.userId),
    name: String(item.name),
    role: item.role === 'admin' ? 'admin' : 'student',
    blocked: item.blocked === true,
    createdAt: Number(item.createdAt ?? 0),
    lastLoginAt: Number(item.lastLoginAt ?? 0),
  };
}
