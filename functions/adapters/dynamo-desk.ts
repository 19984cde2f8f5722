/**
 * DeskStore over the `conversations` table (its desk fields and the sparse byDesk index) and the
 * `deskEvents` record. A state change is one transaction: the conversation's conditional update
 * (state and owner still as read) and its record, so nothing is changed unrecorded.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DeskState } from '../../protocol/desk';
import type { DeskEventRecord, DeskReplyRecord, DeskStore } from '../domain/desk-ports';
import type { ConversationRecord } from '../domain/ports';
import { INDEX } from '../tables';
import { toConversation } from './dynamo-conversations';
import { cancellationReasons } from './dynamo-errors';

type Item = Record<string, unknown>;

export interface DeskTables {
  readonly conversations: string;
  readonly deskEvents: string;
}

/** The sort key of a record: time first (15 digits of epoch ms), then its id. */
export function deskEntry(at: number, eventId: string): string {
  return `${String(at).padStart(15, '0')}#${eventId}`;
}

/** The UTC date of an epoch-ms time: the byDay index's partition (functions/tables.ts). */
export function utcDayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * The deskEvents item of a record: sorted by time within its conversation, and by time within
 * its UTC day on the byDay index. `seq`: the message that made the change (a reopening), which
 * tells an export where the case's messages begin.
 */
export function deskEventItem(event: DeskEventRecord, seq?: number): Item {
  return {
    conversationId: event.conversationId,
    entry: deskEntry(event.at, event.eventId),
    utcDay: utcDayOf(event.at),
    ...(seq !== undefined ? { seq } : {}),
    at: event.at,
    change: event.change,
    actorId: event.actorId,
    actorName: event.actorName,
    state: event.state,
    ...(event.ownerId !== undefined ? { ownerId: event.ownerId } : {}),
    ...(event.ownerName !== undefined ? { ownerName: event.ownerName } : {}),
    ...(event.previousOwnerId !== undefined ? { previousOwnerId: event.previousOwnerId } : {}),
  };
}

/** The deskEvents item of a staff reply that answered a waiting student (`change: reply`). */
export function deskReplyItem(reply: DeskReplyRecord, seq: number): Item {
  return {
    conversationId: reply.conversationId,
    entry: deskEntry(reply.at, reply.eventId),
    utcDay: utcDayOf(reply.at),
    seq,
    at: reply.at,
    change: 'reply',
    actorId: reply.actorId,
    actorName: reply.actorName,
    waitingSince: reply.waitingSince,
  };
}

/** A DeskStore backed by DynamoDB. */
export function createDynamoDeskStore(
  client: DynamoDBDocumentClient,
  tables: DeskTables,
): DeskStore {
  return {
    async transition({ conversationId, expected, next, deskSort, event }) {
      const conditions = ['attribute_exists(conversationId)', 'kind = :support'];
      const values: Item = {
        ':support': 'support',
        ':state': next.state,
        ':at': event.at,
        ':deskSort': deskSort,
      };
      if (expected.state === undefined) conditions.push('attribute_not_exists(deskState)');
      else {
        conditions.push('deskState = :expectedState');
        values[':expectedState'] = expected.state;
      }
      if (expected.ownerId === undefined) conditions.push('attribute_not_exists(ownerId)');
      else {
        conditions.push('ownerId = :expectedOwner');
        values[':expectedOwner'] = expected.ownerId;
      }
      const set = [
        'deskState = :state',
        'deskChangedAt = :at',
        'deskSort = if_not_exists(deskSort, :deskSort)',
      ];
      let remove = '';
      if (next.ownerId !== undefined && next.ownerName !== undefined) {
        set.push('ownerId = :owner', 'ownerName = :ownerName');
        values[':owner'] = next.ownerId;
        values[':ownerName'] = next.ownerName;
      } else remove = ' REMOVE ownerId, ownerName';
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tables.conversations,
                  Key: { conversationId },
                  UpdateExpression: `SET ${set.join(', ')}${remove}`,
                  ConditionExpression: conditions.join(' AND '),
                  ExpressionAttributeValues: values,
                },
              },
              { Put: { TableName: tables.deskEvents, Item: deskEventItem(event) } },
            ],
          }),
        );
      } catch (error) {
        if (cancellationReasons(error)) return { outcome: 'conflict' };
        throw error;
      }
      // The transaction returns nothing: read the item as it is now (strongly consistent).
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.conversations,
          Key: { conversationId },
          ConsistentRead: true,
        }),
      );
      if (!Item) return { outcome: 'conflict' };
      return { outcome: 'done', conversation: toConversation(Item) };
    },

    async list(state, owner, limit, maxEvaluated, after) {
      const items: ConversationRecord[] = [];
      let evaluated = 0;
      let startKey: Item | undefined = after
        ? { deskState: state, deskSort: after.deskSort, conversationId: after.conversationId }
        : undefined;
      const filter =
        owner.kind === 'owner'
          ? { FilterExpression: 'ownerId = :owner', values: { ':owner': owner.ownerId } }
          : owner.kind === 'none'
            ? { FilterExpression: 'attribute_not_exists(ownerId)', values: {} }
            : undefined;
      let last: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tables.conversations,
            IndexName: INDEX.conversationsByDesk,
            KeyConditionExpression: 'deskState = :state',
            ExpressionAttributeValues: { ':state': state, ...(filter?.values ?? {}) },
            ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
            ScanIndexForward: true,
            // Limit counts items read before the filter: the page's read cost is bounded.
            Limit: Math.min(maxEvaluated - evaluated, filter ? maxEvaluated : limit - items.length),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        evaluated += page.ScannedCount ?? 0;
        const pageItems = page.Items ?? [];
        let kept = 0;
        for (const item of pageItems) {
          if (items.length === limit) break;
          items.push(toConversation(item));
          last = item;
          kept++;
        }
        startKey = page.LastEvaluatedKey;
        if (items.length === limit) {
          // Stopped at the limit, maybe inside the page: resume after the last item kept.
          const more = kept < pageItems.length || startKey !== undefined;
          return more && last ? { items, next: positionOf(last) } : { items };
        }
      } while (startKey !== undefined && evaluated < maxEvaluated);
      if (startKey === undefined) return { items };
      return {
        items,
        next: {
          deskSort: Number(startKey.deskSort),
          conversationId: String(startKey.conversationId),
        },
      };
    },

    async count(state: DeskState, cap) {
      const { Count } = await client.send(
        new QueryCommand({
          TableName: tables.conversations,
          IndexName: INDEX.conversationsByDesk,
          KeyConditionExpression: 'deskState = :state',
          ExpressionAttributeValues: { ':state': state },
          Select: 'COUNT',
          Limit: cap,
        }),
      );
      return Count ?? 0;
    },
  };
}

function positionOf(item: Item): { deskSort: number; conversationId: string } {
  return { deskSort: Number(item.deskSort), conversationId: String(item.conversationId) };
}
