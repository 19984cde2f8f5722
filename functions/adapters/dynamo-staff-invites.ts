/**
 * StaffInviteStore over the `staffInvites` table (partition `invite`, sort key the code) and the
 * `staff` table: accepting deletes the invitation (it must exist and not have expired) and puts
 * the member (who must not exist) and their audit entry in one transaction, so a code is used at
 * most once and the log records exactly the joins that happened. `expiresAt` is the TTL attribute
 * (epoch seconds); an expired item DynamoDB has not deleted yet is refused by the condition, and
 * `live` deletes those it meets, so the partition stays about MAX_STAFF_INVITES items.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StaffInviteRecord, StaffInviteStore } from '../domain/staff-ports';
import { MAX_STAFF_INVITES } from '../../protocol/staff-invites';
import { cancellationReasons } from './dynamo-errors';
import { staffAuditPut, staffKey } from './dynamo-staff';

const INVITE = 'invite';

type Item = Record<string, unknown>;

/** A StaffInviteStore backed by DynamoDB. */
export function createDynamoStaffInviteStore(
  client: DynamoDBDocumentClient,
  tables: { readonly staffInvites: string; readonly staff: string },
): StaffInviteStore {
  const table = tables.staffInvites;
  return {
    async live(now) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#list = :list',
          ExpressionAttributeNames: { '#list': 'list' },
          ExpressionAttributeValues: { ':list': INVITE },
          ConsistentRead: true,
          // Live ones are at most MAX_STAFF_INVITES; as many expired ones again is plenty (each
          // call deletes what it finds).
          Limit: MAX_STAFF_INVITES * 2,
        }),
      );
      const invites = (Items ?? []).map(toInvite);
      const expired = invites.filter((i) => i.expiresAt <= now);
      await Promise.all(
        expired.map((i) =>
          client.send(new DeleteCommand({ TableName: table, Key: { list: INVITE, code: i.code } })),
        ),
      );
      return invites.filter((i) => i.expiresAt > now);
    },

    async put(invite) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: { list: INVITE, ...invite, expiresAt: Math.ceil(invite.expiresAt / 1000) },
          ConditionExpression: 'attribute_not_exists(#code)',
          ExpressionAttributeNames: { '#code': 'code' },
        }),
      );
    },

    async get(code, now) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: { list: INVITE, code }, ConsistentRead: true }),
      );
      const invite = Item ? toInvite(Item) : undefined;
      return invite && invite.expiresAt > now ? invite : undefined;
    },

    async accept({ code, now, member, audit }) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: table,
                  Key: { list: INVITE, code },
                  ConditionExpression: 'attribute_exists(#code) AND #expiresAt > :now',
                  ExpressionAttributeNames: { '#code': 'code', '#expiresAt': 'expiresAt' },
                  ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
                },
              },
              {
                Put: {
                  TableName: tables.staff,
                  Item: { ...staffKey(member.userId), ...member },
                  ConditionExpression: 'attribute_not_exists(#key)',
                  ExpressionAttributeNames: { '#key': 'key' },
                },
              },
              staffAuditPut(tables.staff, audit),
            ],
          }),
        );
        return 'saved';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        return reasons[0]?.code === 'ConditionalCheckFailed' ? 'used' : 'conflict';
      }
    },
  };
}

function toInvite(item: Item): StaffInviteRecord {
  return {
    code: String(item.code ?? ''),
    role: item.role === 'manager' ? 'manager' : 'staff',
    inviterId: String(item.inviterId ?? ''),
    inviterName: String(item.inviterName ?? ''),
    createdAt: Number(item.createdAt ?? 0),
    expiresAt: Number(item.expiresAt ?? 0) * 1000,
  };
}
