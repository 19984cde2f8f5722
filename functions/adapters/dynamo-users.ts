/** UserStore over the users table. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors';
import type { UserRecord, UserStore } from '../domain/ports';

/** A UserStore backed by DynamoDB. */
export function createDynamoUserStore(client: DynamoDBDocumentClient, table: string): UserStore {
  return {
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
