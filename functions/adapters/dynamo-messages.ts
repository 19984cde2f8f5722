/**
 * MessageStore over the `messages`, `idempotency`, `conversations`, `members` and `rateLimits`
 * tables. `append` is the heart of "stored exactly once": one transaction, conditional on the
 * conversation's lastSeq and on the idempotency key being new.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppendOutcome, AppendRequest, MessageStore } from '../domain/ports';
import type { MessageImage } from '../../protocol/images';
import * as v from 'valibot';
import { AutoReply } from '../../protocol/desk-hours';
import type { ChatMessage } from '../../protocol/server-frames';
import { skippedAt } from '../domain/seq-holes';
import { batchGetAll } from './dynamo-batch';
import { createSeqCounter, SKIPPED_KIND } from './dynamo-seq-counter';
import {
  idempotencyPut,
  messagePut,
  rateLimitUpdate,
  readPositionUpdate,
  sendKey,
} from './dynamo-send-items';
import { deskEventItem, deskReplyItem } from './dynamo-desk';
import { toConversation, toMember } from './dynamo-conversations';
import {
  type CancellationReason,
  cancellationReasons,
  isConditionalCheckFailed,
  numberAttribute,
} from './dynamo-errors';

type Item = Record<string, unknown>;

export interface MessageTables {
  readonly messages: string;
  readonly idempotency: string;
  readonly conversations: string;
  readonly members: string;
  readonly rateLimits: string;
  /** The desk's record of state changes (a student reopening a resolved conversation). */
  readonly deskEvents: string;
}

// The order of TransactItems in append(); cancellation reasons come back in the same order.
const CONVERSATION = 0;
const IDEMPOTENCY = 2;
const MEMBER = 3;
const RATE_LIMIT = 4;

/** A MessageStore backed by DynamoDB. */
export function createDynamoMessageStore(
  client: DynamoDBDocumentClient,
  tables: MessageTables,
): MessageStore {
  return {
    ...createSeqCounter(client, tables),

    async loadSendContext(conversationId, userId, clientId) {
      const found = await batchGetAll(client, {
        [tables.conversations]: [{ conversationId }],
        [tables.members]: [{ conversationId, userId }],
        [tables.idempotency]: [{ sendKey: sendKey(userId, clientId) }],
      });
      const conversation = found[tables.conversations]?.[0];
      const member = found[tables.members]?.[0];
      const previous = found[tables.idempotency]?.[0];
      return {
        ...(conversation ? { conversation: toConversation(conversation) } : {}),
        ...(member ? { member: toMember(member) } : {}),
        ...(previous
          ? {
              previous: {
                conversationId: String(previous.conversationId),
                seq: Number(previous.seq),
              },
            }
          : {}),
      };
    },

    async append(request) {
      try {
        await client.send(
          new TransactWriteCommand({ TransactItems: appendItems(tables, request) }),
        );
        return { outcome: 'stored' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        const outcome = reasons && classify(reasons);
        if (!outcome) throw error;
        return outcome;
      }
    },

    async get(conversationId, seq) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tables.messages,
          Key: { conversationId, seq },
          ConsistentRead: true,
        }),
      );
      // A filler holds a seq, not a message.
      return Item && Item.kind !== SKIPPED_KIND ? toMessage(Item) : undefined;
    },

    async list(conversationId, { after, before, limit, newest }) {
      const lo = after + 1;
      const hi = before !== undefined ? before - 1 : Number.MAX_SAFE_INTEGER;
      // DynamoDB refuses a BETWEEN whose bounds are reversed (ValidationException): an empty range
      // holds nothing.
      if (lo > hi) return { messages: [], hasMore: false };
      const items: Item[] = [];
      let startKey: Item | undefined;
      // Ask for one more than the page to learn whether there is more; follow pages because a
      // 1 MB response can stop short of the limit.
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tables.messages,
            KeyConditionExpression: 'conversationId = :c AND seq BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':c': conversationId,
              ':lo': lo,
              ':hi': hi,
            },
            ScanIndexForward: !newest,
            Limit: limit + 1 - items.length,
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        items.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey as Item | undefined;
      } while (startKey && items.length <= limit);
      const hasMore = items.length > limit;
      const pageItems = items.slice(0, limit).map(toMessage);
      return { messages: newest ? pageItems.reverse() : pageItems, hasMore };
    },

    async tombstone({ conversationId, seq, by, at }) {
      let item: Item | undefined;
      try {
        // REMOVE deletes the text attribute from the stored item: it is gone, not hidden.
        const updated = await client.send(
          new UpdateCommand({
            TableName: tables.messages,
            Key: { conversationId, seq },
            UpdateExpression: 'SET recalled = :by, recalledAt = :at REMOVE #text',
            ConditionExpression: 'attribute_exists(seq) AND attribute_not_exists(recalled)',
            ExpressionAttributeNames: { '#text': 'text' },
            ExpressionAttributeValues: { ':by': by, ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        item = updated.Attributes as Item | undefined;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // Gone already (a repeat, or the other kind of takedown came first), or no such message.
        const { Item: current } = await client.send(
          new GetCommand({
            TableName: tables.messages,
            Key: { conversationId, seq },
            ConsistentRead: true,
          }),
        );
        item = current;
      }
      if (!item) return { outcome: 'notFound' };
      const message = toMessage(item);
      // The preview is fixed on every call, so a repeat also repairs one a crash left behind.
      await clearPreview(client, tables.conversations, conversationId, seq, message.recalled ?? by);
      return { outcome: 'done', message, recalledAt: Number(item.recalledAt ?? at) };
    },
  };
}

/** Empties the conversation's last-message preview when it is the message taken down. */
async function clearPreview(
  client: DynamoDBDocumentClient,
  table: string,
  conversationId: string,
  seq: number,
  by: string,
): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { conversationId },
        UpdateExpression: 'SET lastMessage.#text = :empty, lastMessage.recalled = :by',
        // A newer message replaced the preview meanwhile: nothing of this one is left in it.
        // (Items written before lastMessageSeq existed hold the seq in the preview map.)
        ConditionExpression:
          'lastMessageSeq = :seq OR (attribute_not_exists(lastMessageSeq) AND lastMessage.seq = :seq)',
        ExpressionAttributeNames: { '#text': 'text' },
        ExpressionAttributeValues: { ':empty': '', ':by': by, ':seq': seq },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

function appendItems(tables: MessageTables, request: AppendRequest) {
  const { message, expectedLastSeq, createConversation, rateLimit } = request;
  // The seq is stored beside the preview (lastMessageSeq), as room sends must (dynamo-seq-counter.ts).
  const { seq: _seq, ...preview } = request.preview;
  const sentAt = Date.parse(message.sentAt);
  const desk = deskParts(request);
  const conversationUpdate = createConversation
    ? {
        UpdateExpression: `SET lastSeq = :seq, lastActivityAt = :at, lastMessage = :preview, lastMessageSeq = :seq, kind = :kind, title = :title, studentId = :studentId, createdAt = :at${desk.set}${desk.remove}`,
        ConditionExpression: 'attribute_not_exists(conversationId)',
        ExpressionAttributeValues: {
          ':seq': message.seq,
          ':at': sentAt,
          ':preview': preview,
          ':kind': createConversation.kind,
          ':title': createConversation.title,
          ':studentId': createConversation.studentId,
          ...desk.values,
        },
      }
    : {
        UpdateExpression: `SET lastSeq = :seq, lastActivityAt = :at, lastMessage = :preview, lastMessageSeq = :seq${desk.set}${desk.remove}`,
        ConditionExpression: `lastSeq = :expected${desk.condition}`,
        ExpressionAttributeValues: {
          ':seq': message.seq,
          ':at': sentAt,
          ':preview': preview,
          ':expected': expectedLastSeq,
          ...desk.values,
        },
      };
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    {
      Update: {
        TableName: tables.conversations,
        Key: { conversationId: message.conversationId },
        ...conversationUpdate,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    messagePut(tables.messages, message),
    idempotencyPut(tables.idempotency, message),
    readPositionUpdate(tables.members, message, request.requireMembership),
    rateLimitUpdate(tables.rateLimits, rateLimit),
  ];
  const event = request.desk?.reopen?.event;
  // After the rate limit: the cancellation reasons above keep their indexes.
  if (event) {
    items.push({ Put: { TableName: tables.deskEvents, Item: deskEventItem(event, message.seq) } });
  }
  const answered = request.desk?.answered;
  if (answered) {
    items.push({
      Put: { TableName: tables.deskEvents, Item: deskReplyItem(answered, message.seq) },
    });
  }
  return items;
}

/**
 * The desk fields of a support message (functions/domain/desk-send.ts) as update-expression parts.
 * A state change is conditional on the state read (a claim in between makes the send retry).
 */
function deskParts(request: AppendRequest): {
  set: string;
  remove: string;
  condition: string;
  values: Record<string, unknown>;
} {
  const desk = request.desk;
  if (!desk) return { set: '', remove: '', condition: '', values: {} };
  const set = [', deskSort = :deskSort'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':deskSort': desk.deskSort };
  if (desk.waitingSince === null) remove.push('waitingSince');
  else {
    set.push('waitingSince = :waitingSince');
    values[':waitingSince'] = desk.waitingSince;
  }
  let condition = '';
  if (desk.reopen) {
    set.push('deskState = :deskOpen', 'deskChangedAt = :at');
    remove.push('ownerId', 'ownerName');
    values[':deskOpen'] = 'open';
    if (desk.reopen.expected === undefined) condition = ' AND attribute_not_exists(deskState)';
    else {
      condition = ' AND deskState = :deskExpected';
      values[':deskExpected'] = desk.reopen.expected;
    }
  }
  return {
    set: set.join(', '),
    remove: remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : '',
    condition,
    values,
  };
}

function classify(reasons: CancellationReason[]): AppendOutcome | undefined {
  const failed = (index: number) => reasons[index]?.code === 'ConditionalCheckFailed';
  if (failed(IDEMPOTENCY)) return { outcome: 'duplicate' };
  if (failed(MEMBER)) return { outcome: 'notMember' };
  if (failed(RATE_LIMIT)) return { outcome: 'rateLimited' };
  if (failed(CONVERSATION)) {
    // Another send took the seq; the item as it is now says which seq is next.
    const lastSeq = numberAttribute(reasons[CONVERSATION]?.item, 'lastSeq');
    return lastSeq === undefined ? { outcome: 'conflict' } : { outcome: 'conflict', lastSeq };
  }
  // Another transaction held one of the items: a lost race, read and retry.
  if (reasons.some((r) => r.code === 'TransactionConflict')) return { outcome: 'conflict' };
  return undefined;
}

function toMessage(item: Item): ChatMessage {
  if (item.kind === SKIPPED_KIND) {
    return skippedAt(
      String(item.conversationId),
      Number(item.seq),
      Date.parse(String(item.sentAt)),
    );
  }
  return {
    id: String(item.id),
    clientId: String(item.clientId),
    conversationId: String(item.conversationId),
    seq: Number(item.seq),
    senderId: String(item.senderId),
    senderName: String(item.senderName),
    senderRole: item.senderRole === 'admin' ? 'admin' : 'student',
    // A tombstone has no text attribute left.
    text: typeof item.text === 'string' ? item.text : '',
    sentAt: String(item.sentAt),
    ...(item.recalled === 'sender' || item.recalled === 'admin' ? { recalled: item.recalled } : {}),
    ...(item.kind === 'auto' ? { kind: 'auto' as const } : {}),
    ...(item.kind === 'auto' && v.is(AutoReply, item.auto) ? { auto: item.auto } : {}),
    ...(item.image && typeof item.image === 'object' ? { image: toImage(item.image as Item) } : {}),
  };
}

/** The stored image of a message (its download URLs are never stored; each frame signs new ones). */
function toImage(item: Item): MessageImage {
  return {
    key: String(item.key),
    width: Number(item.width),
    height: Number(item.height),
    size: Number(item.size),
    contentType: String(item.contentType),
  };
}
