/**
 * StaffStore over the `staff` table: partition `staff` has one item per member (sort key: the
 * user id), partition `audit` one item per change (sort key: zero-padded time and a random
 * suffix, so a Query backwards is newest first and the key is the page cursor). A change and its
 * audit entry are one transaction: the log cannot miss a change or record one that did not happen.
 * The log grows by one small item per change a person makes (durable tables keep what was
 * written, functions/tables.ts); it is read a bounded page at a time.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StaffAuditRecord, StaffRecord, StaffStore, StaffWrite } from '../domain/staff-ports';
import { STAFF_CHANGES, STAFF_ROLES } from '../../protocol/staff';
import { cancellationReasons, isConditionalCheckFailed } from './dynamo-errors';

const STAFF = 'staff';
const AUDIT = 'audit';

type Item = Record<string, unknown>;
export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** The transaction item that puts one audit entry (also the invitations' adapter's). */
export function staffAuditPut(table: string, audit: StaffAuditRecord): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        list: AUDIT,
        key: `${String(audit.at).padStart(15, '0')}#${randomUUID()}`,
        ...audit,
      },
    },
  };
}

/** The key of one member's item. */
export function staffKey(userId: string): { list: string; key: string } {
  return { list: STAFF, key: userId };
}

/** A StaffStore backed by DynamoDB. */
export function createDynamoStaffStore(client: DynamoDBDocumentClient, table: string): StaffStore {
  const auditPut = (audit: StaffAuditRecord): TransactItem => staffAuditPut(table, audit);
  return {
    async list() {
      const records: StaffRecord[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#list = :list',
            ExpressionAttributeNames: { '#list': 'list' },
            ExpressionAttributeValues: { ':list': STAFF },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        records.push(...(page.Items ?? []).map(toStaff));
        start = page.LastEvaluatedKey;
      } while (start);
      return records;
    },

    async get(userId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: { list: STAFF, key: userId },
          ConsistentRead: true,
        }),
      );
      return Item ? toStaff(Item) : undefined;
    },

    async write(change: StaffWrite) {
      const key = { list: STAFF, key: change.userId };
      const condition: {
        ConditionExpression: string;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues?: Record<string, unknown>;
      } = change.expected
        ? {
            ConditionExpression: '#role = :role AND #status = :status',
            ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
            ExpressionAttributeValues: {
              ':role': change.expected.role,
              ':status': change.expected.status,
            },
          }
        : {
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': 'key' },
          };
      const item: TransactItem = change.next
        ? { Put: { TableName: table, Item: { ...key, ...change.next }, ...condition } }
        : { Delete: { TableName: table, Key: key, ...condition } };
      try {
        await client.send(
          new TransactWriteCommand({ TransactItems: [item, auditPut(change.audit)] }),
        );
        return 'saved';
      } catch (error) {
        const reasons = cancellationReasons(error);
        // A failed condition or a concurrent transaction on the item: the caller reads again.
        if (reasons) return 'conflict';
        throw error;
      }
    },

    async rename(userId, name) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { list: STAFF, key: userId },
            UpdateExpression: 'SET #name = :name',
            ConditionExpression: 'attribute_exists(#key)',
            ExpressionAttributeNames: { '#name': 'name', '#key': 'key' },
            ExpressionAttributeValues: { ':name': name },
          }),
        );
      } catch (error) {
        // Removed meanwhile: there is nobody to rename.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async seed(records) {
      for (const record of records) {
        const result = await this.write({
          userId: record.userId,
          expected: undefined,
          next: record,
          audit: {
            at: record.addedAt,
            change: 'seed',
            actorId: 'ADMINS',
            actorName: 'ADMINS',
            targetId: record.userId,
            targetName: record.name,
            role: record.role,
          },
        });
        // `conflict`: another instance seeded (or a manager added) them first; nothing to do.
        void result;
      }
    },

    async audit(limit, before) {
      const { Items, LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#list = :list',
          ExpressionAttributeNames: { '#list': 'list' },
          ExpressionAttributeValues: { ':list': AUDIT },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
          ...(before ? { ExclusiveStartKey: { list: AUDIT, key: before } } : {}),
        }),
      );
      const next = LastEvaluatedKey ? String(LastEvaluatedKey.key) : undefined;
      return { entries: (Items ?? []).map(toAudit), ...(next ? { next } : {}) };
    },
  };
}

function toStaff(item: Item): StaffRecord {
  return {
    userId: String(item.userId ?? item.key),
    name: String(item.name ?? item.key),
    role: item.role === 'manager' ? 'manager' : 'staff',
    status: item.status === 'away' ? 'away' : 'active',
    addedBy: String(item.addedBy ?? ''),
    addedAt: Number(item.addedAt ?? 0),
  };
}

function toAudit(item: Item): StaffAuditRecord {
  const change = STAFF_CHANGES.find((c) => c === item.change) ?? 'add';
  const role = STAFF_ROLES.find((r) => r === item.role);
  return {
    at: Number(item.at ?? 0),
    change,
    actorId: String(item.actorId ?? ''),
    actorName: String(item.actorName ?? ''),
    targetId: String(item.targetId ?? ''),
    targetName: String(item.targetName ?? ''),
    ...(role ? { role } : {}),
  };
}
