/**
 * ModerationStore over the `moderation` table. Items are keyed by message (`conversationId#seq`):
 * the entry `takedown` is who took it down, and one entry `report#<reporterId>` per report. Open
 * reports carry `queue = "open"`, the partition key of the sparse `openReports` index; closing a
 * report removes it, which takes the report out of the index (and out of the desk's list).
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ModerationStore,
  ReportPosition,
  ReportReason,
  ReportRecord,
  TakedownRecord,
} from '../domain/ports';
import { INDEX } from '../tables';
import { isConditionalCheckFailed } from './dynamo-errors';

type Item = Record<string, unknown>;

const OPEN = 'open';
const TAKEDOWN = 'takedown';
const REPORT_PREFIX = 'report#';

/** The partition key of a message's moderation items. */
export function messageKey(conversationId: string, seq: number): string {
  return `${conversationId}#${seq}`;
}

/** A ModerationStore backed by DynamoDB. */
export function createDynamoModerationStore(
  client: DynamoDBDocumentClient,
  table: string,
): ModerationStore {
  const store: ModerationStore = {
    async recordTakedown(record: TakedownRecord) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              messageKey: messageKey(record.conversationId, record.seq),
              entry: TAKEDOWN,
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(messageKey)',
          }),
        );
      } catch (error) {
        // The first takedown's record stays; a repeat (or a later removal) changes nothing.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async addReport(report) {
      const key = {
        messageKey: messageKey(report.conversationId, report.seq),
        entry: REPORT_PREFIX + report.reporterId,
      };
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { ...key, ...report, ...(report.status === 'open' ? { queue: OPEN } : {}) },
            ConditionExpression: 'attribute_not_exists(messageKey)',
          }),
        );
        return report;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const existing = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'messageKey = :k AND entry = :e',
            ExpressionAttributeValues: { ':k': key.messageKey, ':e': key.entry },
            ConsistentRead: true,
          }),
        );
        const item = existing.Items?.[0];
        return item ? toReport(item) : report;
      }
    },

    async openReports(limit, after?: ReportPosition) {
      const items: Item[] = [];
      let startKey: Item | undefined = after
        ? {
            queue: OPEN,
            reportedAt: after.reportedAt,
            messageKey: messageKey(after.conversationId, after.seq),
            entry: REPORT_PREFIX + after.reporterId,
          }
        : undefined;
      let more = false;
      // The index is eventually consistent: a report closed a moment ago may still be listed
      // (the filter drops what the item itself says is closed), a new one may show a moment late.
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: INDEX.openReports,
            KeyConditionExpression: 'queue = :open',
            FilterExpression: '#status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': OPEN },
            ScanIndexForward: false,
            Limit: limit + 1 - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        items.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey as Item | undefined;
      } while (startKey && items.length <= limit);
      if (items.length > limit) more = true;
      return { items: items.slice(0, limit).map(toReport), more };
    },

    async closeReport(key, status, by, at) {
      try {
        const updated = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: {
              messageKey: messageKey(key.conversationId, key.seq),
              entry: REPORT_PREFIX + key.reporterId,
            },
            UpdateExpression: 'SET #status = :status, closedBy = :by, closedAt = :at REMOVE queue',
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':by': by, ':at': at, ':open': OPEN },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return updated.Attributes ? toReport(updated.Attributes) : undefined;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const existing = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'messageKey = :k AND entry = :e',
            ExpressionAttributeValues: {
              ':k': messageKey(key.conversationId, key.seq),
              ':e': REPORT_PREFIX + key.reporterId,
            },
            ConsistentRead: true,
          }),
        );
        const item = existing.Items?.[0];
        return item ? toReport(item) : undefined;
      }
    },

    async closeReportsOf(conversationId, seq, status, by, at) {
      const reports: ReportRecord[] = [];
      let startKey: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'messageKey = :k AND begins_with(entry, :report)',
            ExpressionAttributeValues: {
              ':k': messageKey(conversationId, seq),
              ':report': REPORT_PREFIX,
            },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        reports.push(...((page.Items ?? []) as Item[]).map(toReport));
        startKey = page.LastEvaluatedKey as Item | undefined;
      } while (startKey);
      let closed = 0;
      for (const report of reports.filter((r) => r.status === 'open')) {
        const after = await store.closeReport(report, status, by, at);
        if (after?.status === status && after.closedAt === at) closed++;
      }
      return closed;
    },
  };
  return store;
}

function toReport(item: Item): ReportRecord {
  const status = item.status === 'removed' || item.status === 'dismissed' ? item.status : 'open';
  return {
    conversationId: String(item.conversationId),
    seq: Number(item.seq),
    reporterId: String(item.reporterId),
    reason: String(item.reason) as ReportReason,
    reportedAt: Number(item.reportedAt),
    status,
    senderId: String(item.senderId),
    senderName: String(item.senderName ?? ''),
    text: typeof item.text === 'string' ? item.text : '',
    ...(typeof item.closedBy === 'string' ? { closedBy: item.closedBy } : {}),
    ...(item.closedAt !== undefined ? { closedAt: Number(item.closedAt) } : {}),
  };
}
