/**
 * ExportStore over the `deskEvents` table: the byDay index (records of a UTC day in time order)
 * and each conversation's records. Every query is bounded by the items it may read (`Limit`
 * counts items read before a filter), so an export's read cost is what its budget says.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeskRecord, ExportStore, RecordPage } from '../domain/export-ports';
import { INDEX } from '../tables';
import { deskEntry } from './dynamo-desk';

type Item = Record<string, unknown>;

/** Items per page of a conversation's records. */
const PAGE = 100;

/** An ExportStore backed by DynamoDB. */
export function createDynamoExportStore(
  client: DynamoDBDocumentClient,
  table: string,
): ExportStore {
  return {
    async caseStarts(utcDay, fromMs, toMs, maxRead) {
      const records: DeskRecord[] = [];
      let read = 0;
      let startKey: Item | undefined;
      do {
        if (read >= maxRead) return { records, read, complete: false };
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: INDEX.deskEventsByDay,
            KeyConditionExpression: 'utcDay = :day AND entry BETWEEN :lo AND :hi',
            FilterExpression: '#change IN (:new, :reopen)',
            ExpressionAttributeNames: { '#change': 'change' },
            ExpressionAttributeValues: {
              ':day': utcDay,
              ':lo': deskEntry(fromMs, ''),
              // Below every entry of toMs ('#' sorts before any id character).
              ':hi': deskEntry(toMs - 1, '~'),
              ':new': 'new',
              ':reopen': 'reopen',
            },
            Limit: maxRead - read,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        read += page.ScannedCount ?? 0;
        records.push(...(page.Items ?? []).map(toRecord));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return { records, read, complete: true };
    },

    async conversationRecords(conversationId, fromMs, untilStartAt, maxRead) {
      const records: DeskRecord[] = [];
      let read = 0;
      let startKey: Item | undefined;
      do {
        if (read >= maxRead) return { records, read, complete: false };
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'conversationId = :c AND entry >= :lo',
            ExpressionAttributeValues: { ':c': conversationId, ':lo': deskEntry(fromMs, '') },
            ConsistentRead: true,
            Limit: Math.min(PAGE, maxRead - read),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        const items = page.Items ?? [];
        read += items.length;
        for (const item of items) {
          const record = toRecord(item);
          records.push(record);
          const opens = record.change === 'new' || record.change === 'reopen';
          if (opens && record.at >= untilStartAt) return ended(records, read);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return ended(records, read);
    },
  };
}

function ended(records: DeskRecord[], read: number): RecordPage {
  return { records, read, complete: true };
}

function toRecord(item: Item): DeskRecord {
  const state = item.state;
  return {
    conversationId: String(item.conversationId),
    at: Number(item.at),
    entry: String(item.entry),
    change: String(item.change) as DeskRecord['change'],
    actorId: String(item.actorId ?? ''),
    actorName: String(item.actorName ?? ''),
    ...(state === 'open' || state === 'claimed' || state === 'resolved' ? { state } : {}),
    ...(typeof item.ownerName === 'string' ? { ownerName: item.ownerName } : {}),
    ...(typeof item.seq === 'number' ? { seq: item.seq } : {}),
  };
}
