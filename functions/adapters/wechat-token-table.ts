/**
 * TokenStore over the `wechatTokens` table: one item per appid holding the access token, its
 * expiry and refresh time, and the refresh lease (`leaseOwner`, `leaseUntil`). The lease and the
 * save are conditional writes, so of several instances finding the token due, one fetches.
 *
 * The token is a credential: it lives only in this table (encrypted at rest, like every table),
 * readable by the functions granted `wechatTokens` in functions/routes.ts, and is never logged.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors';
import type { TokenRecord, TokenStore } from './wechat-token';

/** The token store of app `appId` in `table`. */
export function createTokenTable(
  client: DynamoDBDocumentClient,
  table: string,
  appId: string,
): TokenStore {
  const Key = { appId };
  return {
    async read() {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key, ConsistentRead: true }),
      );
      if (
        !Item ||
        typeof Item.accessToken !== 'string' ||
        typeof Item.expiresAt !== 'number' ||
        typeof Item.refreshAt !== 'number'
      ) {
        return undefined;
      }
      return {
        accessToken: Item.accessToken,
        expiresAt: Item.expiresAt,
        refreshAt: Item.refreshAt,
      };
    },
    async tryLease(owner, until, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
            ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async save(record: TokenRecord, owner) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression:
              'SET accessToken = :token, expiresAt = :expiresAt, refreshAt = :refreshAt, purgeAt = :purgeAt REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: {
              ':token': record.accessToken,
              ':expiresAt': record.expiresAt,
              ':refreshAt': record.refreshAt,
              ':purgeAt': Math.ceil(record.expiresAt / 1000) + 24 * 3600,
              ':owner': owner,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async release(owner) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
