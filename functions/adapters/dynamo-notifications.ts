/**
 * The notifier's DynamoDB side: the ledger (claims per message and recipient, one gate per
 * conversation and recipient) in the `notifications` table, the credits per user and template in
 * `notifyCredits`, and who is online from the users, members, conversations and subscriptions
 * tables. Every change that decides something is one conditional write, so two deliveries of the
 * same record racing each other cannot both send, and a credit is never spent twice.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableId } from '../tables';
import { ADMINS_TOPIC } from '../domain/conversation-ids';
import type {
  CreditState,
  CreditStore,
  NotificationLedger,
  Presence,
  SubscribeChoice,
  TemplateKey,
} from '../domain/notify-ports';
import { createDynamoConnectionRegistry } from './dynamo-connections';
import { isConditionalCheckFailed } from './dynamo-errors';

/** Ledger items live this long: far past the stream's 24 h retention and any retry. */
const LEDGER_TTL_SECONDS = 7 * 24 * 3600;

async function unlessConditionFails(request: Promise<unknown>): Promise<boolean> {
  try {
    await request;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The notification ledger over the notifications table. */
export function createDynamoLedger(
  client: DynamoDBDocumentClient,
  table: string,
): NotificationLedger {
  const expiresAt = (now: number) => Math.floor(now / 1000) + LEDGER_TTL_SECONDS;
  return {
    claim: (key, now, leaseMs) =>
      unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { notifyKey: key },
            UpdateExpression: 'SET #state = :claimed, claimedAt = :now, expiresAt = :expiresAt',
            ConditionExpression:
              'attribute_not_exists(notifyKey) OR (#state = :claimed AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ':now': now,
              ':stale': now - leaseMs,
              ':expiresAt': expiresAt(now),
            },
          }),
        ),
      ),
    async finish(key, outcome) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { notifyKey: key },
          UpdateExpression: 'SET #state = :done, outcome = :outcome',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome },
        }),
      );
    },
    async release(key) {
      await unlessConditionFails(
        client.send(
          new DeleteCommand({
            TableName: table,
            Key: { notifyKey: key },
            ConditionExpression: '#state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':claimed': 'claimed' },
          }),
        ),
      );
    },
    openGate: (gate, seq, readSeq, now) =>
      unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { notifyKey: gate },
            UpdateExpression: 'SET notifiedSeq = :seq, expiresAt = :expiresAt',
            ConditionExpression:
              'attribute_not_exists(notifiedSeq) OR notifiedSeq <= :readSeq OR notifiedSeq = :seq',
            ExpressionAttributeValues: {
              ':seq': seq,
              ':readSeq': readSeq,
              // A gate nobody read for a week opens again: the conversation has moved on.
              ':expiresAt': expiresAt(now),
            },
          }),
        ),
      ),
    openAutoReply: (conversationId, seq, now, staleBefore) =>
      unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { notifyKey: `auto#${conversationId}` },
            UpdateExpression: 'SET autoSeq = :seq, autoAt = :now, expiresAt = :expiresAt',
            ConditionExpression:
              'attribute_not_exists(autoSeq) OR autoSeq = :seq OR autoAt < :stale',
            ExpressionAttributeValues: {
              ':seq': seq,
              ':now': now,
              ':stale': staleBefore,
              ':expiresAt': expiresAt(now),
            },
          }),
        ),
      ),
    async resetAutoReply(conversationId) {
      await client.send(
        new DeleteCommand({ TableName: table, Key: { notifyKey: `auto#${conversationId}` } }),
      );
    },
    async closeGate(gate, seq) {
      await unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { notifyKey: gate },
            UpdateExpression: 'REMOVE notifiedSeq',
            ConditionExpression: 'notifiedSeq = :seq',
            ExpressionAttributeValues: { ':seq': seq },
          }),
        ),
      );
    },
  };
}

function toCreditState(item: Record<string, unknown> | undefined): CreditState {
  const choice = item?.lastChoice;
  return {
    credits: typeof item?.credits === 'number' ? Math.max(0, item.credits) : 0,
    ...(choice === 'accept' || choice === 'reject' || choice === 'ban'
      ? { lastChoice: choice }
      : {}),
    alwaysKeep: item?.alwaysKeep === true,
    off: item?.off === true,
  };
}

/** Credits per user and template over the notifyCredits table. */
export function createDynamoCreditStore(
  client: DynamoDBDocumentClient,
  table: string,
  now: () => number = Date.now,
): CreditStore {
  const key = (userId: string, template: TemplateKey) => ({ userId, template });
  async function setChoice(
    userId: string,
    template: TemplateKey,
    choice: SubscribeChoice,
    alwaysKeep: boolean,
    addCredit: { readonly max: number } | undefined,
  ) {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: table,
        Key: key(userId, template),
        UpdateExpression: `SET lastChoice = :choice, alwaysKeep = :keep, updatedAt = :now${
          addCredit ? ' ADD credits :one' : ''
        }`,
        ...(addCredit
          ? { ConditionExpression: 'attribute_not_exists(credits) OR credits < :max' }
          : {}),
        ExpressionAttributeValues: {
          ':choice': choice,
          ':keep': alwaysKeep,
          ':now': now(),
          ...(addCredit ? { ':one': 1, ':max': addCredit.max } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toCreditState(Attributes);
  }
  return {
    async get(userId, template) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: key(userId, template), ConsistentRead: true }),
      );
      return toCreditState(Item);
    },
    async record(userId, template, choice, alwaysKeep, max) {
      if (choice !== 'accept') return setChoice(userId, template, choice, alwaysKeep, undefined);
      try {
        return await setChoice(userId, template, choice, alwaysKeep, { max });
      } catch (error) {
        // At the cap: the choice is recorded, the count stays.
        if (!isConditionalCheckFailed(error)) throw error;
        return setChoice(userId, template, choice, alwaysKeep, undefined);
      }
    },
    async setOff(userId, template, off) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(userId, template),
          UpdateExpression: 'SET off = :off, updatedAt = :now',
          ExpressionAttributeValues: { ':off': off, ':now': now() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCreditState(Attributes);
    },
    spend: (userId, template) =>
      unlessConditionFails(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: key(userId, template),
            UpdateExpression: 'ADD credits :minusOne',
            ConditionExpression: 'credits > :zero AND (attribute_not_exists(off) OR off = :false)',
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0, ':false': false },
          }),
        ),
      ),
    async refund(userId, template) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(userId, template),
          UpdateExpression: 'ADD credits :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    },
    async zero(userId, template) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key(userId, template),
          UpdateExpression: 'SET credits = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    },
  };
}

/** Who is online and what they read, from the chat's own tables. */
export function createDynamoPresence(
  client: DynamoDBDocumentClient,
  tables: Record<TableId, string>,
): Presence {
  const connections = createDynamoConnectionRegistry(client, tables);
  const numberOf = (value: unknown) => (typeof value === 'number' ? value : 0);
  return {
    async isOnline(userId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.users,
          Key: { userId },
          ProjectionExpression: 'liveConnections',
          ConsistentRead: true,
        }),
      );
      const live = Item?.liveConnections;
      if (!(live instanceof Set)) return false;
      // The live item can keep an id whose $disconnect never ran (a gateway that died): only a
      // connection whose record still exists counts, and only one in the foreground (appstate).
      const records = await connections.lookupMany([...(live as Set<string>)].slice(0, 10));
      return records.some((record) => record.background !== true);
    },
    async readSeq(conversationId, userId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.members,
          Key: { conversationId, userId },
          ProjectionExpression: 'readSeq',
          ConsistentRead: true,
        }),
      );
      return numberOf(Item?.readSeq);
    },
    async deskReadSeq(conversationId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.conversations,
          Key: { conversationId },
          ProjectionExpression: 'deskReadSeq',
          ConsistentRead: true,
        }),
      );
      return numberOf(Item?.deskReadSeq);
    },
    async anyAdminOnline(available) {
      // The desk's connections (a few dozen at most), then their records in one BatchGet: an
      // admin whose mini-program is in the background has not got the desk open.
      const subscribers = (await connections.subscribers(ADMINS_TOPIC)).filter((s) =>
        available.has(s.userId),
      );
      if (subscribers.length === 0) return false;
      const records = await connections.lookupMany(subscribers.map((s) => s.connectionId));
      return records.some((record) => record.background !== true);
    },
  };
}
