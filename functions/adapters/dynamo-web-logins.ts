/**
 * WebLoginStore over the `webLogins` and `webSessions` tables. Every change of a ticket's state is
 * one conditional write, so two answers, two collections or an answer after expiry cannot both
 * succeed. Both tables expire their items with TTL (`expiresAt`, epoch seconds); because TTL
 * deletion is lazy, every read also checks the expiry itself.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { WebSession } from '../../protocol/web-login';
import { MAX_WEB_SESSIONS } from '../../protocol/web-login';
import type { Identity } from '../domain/identity';
import type { WebLoginRecord, WebLoginStore } from '../domain/web-login';
import { isConditionalCheckFailed } from './dynamo-errors';

/** A ticket item stays this long past its expiry, so a late poll still learns "expired". */
const TICKET_RETENTION_SECONDS = 10 * 60;

export function createDynamoWebLoginStore(
  client: DynamoDBDocumentClient,
  tables: { readonly webLogins: string; readonly webSessions: string },
): WebLoginStore {
  const toRecord = (item: Record<string, unknown>): WebLoginRecord => ({
    ticket: String(item.ticket),
    pollSecretHash: String(item.pollSecretHash),
    status: item.status as WebLoginRecord['status'],
    requester: item.requester as WebLoginRecord['requester'],
    expiresAt: Number(item.validUntil),
    ...(item.approver ? { approver: item.approver as Identity } : {}),
  });
  const toSession = (item: Record<string, unknown>): WebSession => ({
    sessionId: String(item.sessionId),
    requester: item.requester as WebSession['requester'],
    createdAt: Number(item.createdAt),
    expiresAt: Number(item.validUntil),
  });

  return {
    async create(record) {
      await client.send(
        new PutCommand({
          TableName: tables.webLogins,
          Item: {
            ticket: record.ticket,
            pollSecretHash: record.pollSecretHash,
            status: record.status,
            requester: record.requester,
            validUntil: record.expiresAt,
            expiresAt: Math.ceil(record.expiresAt / 1000) + TICKET_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(ticket)',
        }),
      );
    },

    async get(ticket) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tables.webLogins, Key: { ticket }, ConsistentRead: true }),
      );
      return Item ? toRecord(Item) : undefined;
    },

    async markScanned(ticket, now) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tables.webLogins,
            Key: { ticket },
            UpdateExpression: 'SET #status = :scanned',
            ConditionExpression: '#status = :pending AND validUntil > :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':scanned': 'scanned',
              ':pending': 'pending',
              ':now': now,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? toRecord(Attributes) : undefined;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        return this.get(ticket);
      }
    },

    async answer(ticket, approver, now) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.webLogins,
            Key: { ticket },
            UpdateExpression: approver
              ? 'SET #status = :approved, approver = :approver'
              : 'SET #status = :refused',
            ConditionExpression: '#status IN (:pending, :scanned) AND validUntil > :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...(approver ? { ':approved': 'approved', ':approver': approver } : {}),
              ...(approver ? {} : { ':refused': 'refused' }),
              ':pending': 'pending',
              ':scanned': 'scanned',
              ':now': now,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async collect(ticket) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tables.webLogins,
            Key: { ticket },
            UpdateExpression: 'SET #status = :used',
            ConditionExpression: '#status = :approved',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':used': 'used', ':approved': 'approved' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? toRecord(Attributes) : undefined;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },

    async putSession(userId, session) {
      await client.send(
        new PutCommand({
          TableName: tables.webSessions,
          Item: {
            userId,
            sessionId: session.sessionId,
            requester: session.requester,
            createdAt: session.createdAt,
            validUntil: session.expiresAt,
            expiresAt: Math.ceil(session.expiresAt / 1000),
          },
        }),
      );
    },

    async sessions(userId) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tables.webSessions,
          KeyConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': userId },
          ConsistentRead: true,
          // A user holds at most MAX_WEB_SESSIONS (trimmed at each approval); the bound is a guard.
          Limit: MAX_WEB_SESSIONS * 4,
        }),
      );
      return Items.map(toSession);
    },

    async getSession(userId, sessionId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.webSessions,
          Key: { userId, sessionId },
          ConsistentRead: true,
        }),
      );
      return Item ? toSession(Item) : undefined;
    },

    async deleteSession(userId, sessionId) {
      await client.send(
        new DeleteCommand({ TableName: tables.webSessions, Key: { userId, sessionId } }),
      );
    },
  };
}
