/** ConversationStore over the `conversations` and `members` tables. */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ConversationRecord,
  ConversationStore,
  MemberRecord,
  MessagePreviewRecord,
} from '../domain/ports';
import { INDEX } from '../tables';
import { batchGetAll, queryAll } from './dynamo-batch';
import { cancellationCodes, isConditionalCheckFailed } from './dynamo-errors';

type Item = Record<string, unknown>;

/** A ConversationStore backed by DynamoDB. */
export function createDynamoConversationStore(
  client: DynamoDBDocumentClient,
  tables: { conversations: string; members: string },
): ConversationStore {
  return {
    async get(conversationId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.conversations,
          Key: { conversationId },
          ConsistentRead: true,
        }),
      );
      return Item ? toConversation(Item) : undefined;
    },

    async getMany(conversationIds) {
      if (conversationIds.length === 0) return [];
      const found = await batchGetAll(client, {
        [tables.conversations]: [...new Set(conversationIds)].map((conversationId) => ({
          conversationId,
        })),
      });
      return (found[tables.conversations] ?? []).map(toConversation);
    },

    async listByKind(kind, limit, after) {
      const items: ConversationRecord[] = [];
      // The start key of a byKind query: the index keys and the table key of the last item seen.
      let startKey: Item | undefined = after
        ? { kind, lastActivityAt: after.lastActivityAt, conversationId: after.conversationId }
        : undefined;
      // A Query page also ends at 1 MB; keep reading until `limit` items or the end.
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tables.conversations,
            IndexName: INDEX.conversationsByKind,
            KeyConditionExpression: 'kind = :kind',
            ExpressionAttributeValues: { ':kind': kind },
            ScanIndexForward: false,
            Limit: limit - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        items.push(...(page.Items ?? []).map(toConversation));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined && items.length < limit);
      return { items, more: startKey !== undefined };
    },

    async getWithMember(conversationId, userId) {
      const found = await batchGetAll(client, {
        [tables.conversations]: [{ conversationId }],
        [tables.members]: [{ conversationId, userId }],
      });
      const conversation = found[tables.conversations]?.[0];
      const member = found[tables.members]?.[0];
      return {
        ...(conversation ? { conversation: toConversation(conversation) } : {}),
        ...(member ? { member: toMember(member) } : {}),
      };
    },

    async getMembers(keys) {
      if (keys.length === 0) return [];
      const unique = new Map(keys.map((k) => [`${k.conversationId}\u0000${k.userId}`, k]));
      const found = await batchGetAll(client, {
        [tables.members]: [...unique.values()].map(({ conversationId, userId }) => ({
          conversationId,
          userId,
        })),
      });
      return (found[tables.members] ?? []).map(toMember);
    },

    async conversationIdsOf(userId) {
      const items = await queryAll(client, {
        TableName: tables.members,
        IndexName: INDEX.membersByUser,
        KeyConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      });
      return items.map((item) => String(item.conversationId));
    },

    async createRoom(room, creator) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.conversations,
                Item: { ...room },
                ConditionExpression: 'attribute_not_exists(conversationId)',
              },
            },
            { Put: { TableName: tables.members, Item: { ...creator } } },
          ],
        }),
      );
    },

    async join(conversationId, member) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tables.members,
                  Item: { ...member },
                  ConditionExpression: 'attribute_not_exists(userId)',
                },
              },
              {
                Update: {
                  TableName: tables.conversations,
                  Key: { conversationId },
                  UpdateExpression: 'ADD memberCount :one',
                  ConditionExpression: 'attribute_exists(conversationId) AND kind = :room',
                  ExpressionAttributeValues: { ':one': 1, ':room': 'room' },
                },
              },
            ],
          }),
        );
        return 'joined';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') return 'alreadyMember';
        if (codes?.[1] === 'ConditionalCheckFailed') return 'noSuchRoom';
        throw error;
      }
    },

    async leave(conversationId, userId) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tables.members,
                  Key: { conversationId, userId },
                  ConditionExpression: 'attribute_exists(userId)',
                },
              },
              {
                Update: {
                  TableName: tables.conversations,
                  Key: { conversationId },
                  UpdateExpression: 'ADD memberCount :minusOne',
                  ConditionExpression: 'attribute_exists(conversationId)',
                  ExpressionAttributeValues: { ':minusOne': -1 },
                },
              },
            ],
          }),
        );
        return 'left';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.some((c) => c === 'ConditionalCheckFailed')) return 'notMember';
        throw error;
      }
    },

    async markRead(conversationId, userId, seq, requireMember) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.members,
            Key: { conversationId, userId },
            UpdateExpression: 'SET readSeq = :seq',
            ConditionExpression: requireMember
              ? 'attribute_exists(userId) AND readSeq < :seq'
              : 'attribute_not_exists(readSeq) OR readSeq < :seq',
            ExpressionAttributeValues: { ':seq': seq },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async raiseDeskRead(conversationId, seq) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.conversations,
            Key: { conversationId },
            UpdateExpression: 'SET deskReadSeq = :seq',
            ConditionExpression:
              'attribute_exists(conversationId) AND (attribute_not_exists(deskReadSeq) OR deskReadSeq < :seq)',
            ExpressionAttributeValues: { ':seq': seq },
          }),
        );
      } catch (error) {
        // Another admin read further meanwhile: the position stays theirs.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}

/** A conversation item as a record. */
export function toConversation(item: Item): ConversationRecord {
  const record: ConversationRecord = {
    conversationId: String(item.conversationId),
    kind: item.kind === 'room' ? 'room' : 'support',
    title: String(item.title ?? ''),
    lastSeq: Number(item.lastSeq ?? 0),
    lastActivityAt: Number(item.lastActivityAt ?? 0),
    createdAt: Number(item.createdAt ?? 0),
    ...(item.lastMessage ? { lastMessage: previewOf(item) } : {}),
    ...(typeof item.studentId === 'string' ? { studentId: item.studentId } : {}),
    ...(item.memberCount !== undefined ? { memberCount: Number(item.memberCount) } : {}),
    ...(typeof item.createdBy === 'string' ? { createdBy: item.createdBy } : {}),
    ...(item.deskReadSeq !== undefined ? { deskReadSeq: Number(item.deskReadSeq) } : {}),
    ...(item.deskState === 'open' || item.deskState === 'claimed' || item.deskState === 'resolved'
      ? { deskState: item.deskState }
      : {}),
    ...(typeof item.ownerId === 'string' ? { ownerId: item.ownerId } : {}),
    ...(typeof item.ownerName === 'string' ? { ownerName: item.ownerName } : {}),
    ...(item.waitingSince !== undefined ? { waitingSince: Number(item.waitingSince) } : {}),
    ...(item.deskSort !== undefined ? { deskSort: Number(item.deskSort) } : {}),
    ...(item.seqAllocatedAt !== undefined ? { seqAllocatedAt: Number(item.seqAllocatedAt) } : {}),
  };
  return record;
}

/** A member item as a record. */
export function toMember(item: Item): MemberRecord {
  return {
    conversationId: String(item.conversationId),
    userId: String(item.userId),
    readSeq: Number(item.readSeq ?? 0),
    ...(item.joinedAt !== undefined ? { joinedAt: Number(item.joinedAt) } : {}),
  };
}

/**
 * The preview of a conversation item, at its seq: lastMessageSeq (items written before it existed
 * held the seq in the map).
 */
function previewOf(item: Item): MessagePreviewRecord {
  const preview = item.lastMessage as MessagePreviewRecord;
  return { ...preview, seq: Number(item.lastMessageSeq ?? preview.seq) };
}
