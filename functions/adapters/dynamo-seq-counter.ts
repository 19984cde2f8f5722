/**
 * Room sends over a seq counter (functions/domain/room-send.ts), the DynamoDB side:
 *
 * - `allocateSeq`: one UpdateItem on the conversation item that adds 1 to lastSeq and, in the
 *   same write, makes the send's preview the last message at that seq. DynamoDB applies updates
 *   to one item one after another, so concurrent senders get consecutive seqs, none of them
 *   fails, and the preview is always the one of the highest seq taken.
 * - `appendAt`: one transaction of the message (conditional on its seq being free), the
 *   idempotency key, the sender's read position and the rate-limit count. It leaves the
 *   conversation item out: two senders' transactions then share no item, and DynamoDB cancels a
 *   transaction only when another one holds an item it writes (TransactionConflict).
 * - `fillSeq`: the `skipped` filler of a seq whose send failed after allocation;
 *   `replacePreview` then takes that send's preview back, unless a later send's is there.
 *
 * Cost per send: the increment with the preview (1 WCU) and four transactional writes (2 WCU
 * each), in two requests; against five transactional writes before the counter, and a third
 * request for the preview after it.
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppendAtOutcome, AppendAtRequest, MessageStore } from '../domain/ports';
import { cancellationReasons, isConditionalCheckFailed } from './dynamo-errors';
import {
  idempotencyPut,
  messagePut,
  rateLimitUpdate,
  readPositionUpdate,
} from './dynamo-send-items';

/** The tables a room send writes. */
export interface SeqCounterTables {
  readonly messages: string;
  readonly idempotency: string;
  readonly conversations: string;
  readonly members: string;
  readonly rateLimits: string;
}

/** The `kind` of a filler item in the messages table (protocol/server-frames.ts ChatMessage). */
export const SKIPPED_KIND = 'skipped';

// The order of TransactItems in appendAt(); cancellation reasons come back in the same order.
const MESSAGE = 0;
const IDEMPOTENCY = 1;
const MEMBER = 2;
const RATE_LIMIT = 3;

/** The room-send operations of the MessageStore. */
export function createSeqCounter(
  client: DynamoDBDocumentClient,
  tables: SeqCounterTables,
): Pick<MessageStore, 'allocateSeq' | 'appendAt' | 'fillSeq' | 'replacePreview'> {
  return {
    async allocateSeq(conversationId, at, preview) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tables.conversations,
            Key: { conversationId },
            // Every operand reads the item as it was before this update, so lastMessageSeq is the
            // seq this update gives (the preview map cannot hold it: it is unknown until applied).
            UpdateExpression:
              'SET lastSeq = if_not_exists(lastSeq, :zero) + :one, lastMessageSeq = if_not_exists(lastSeq, :zero) + :one, lastMessage = :preview, lastActivityAt = :at, seqAllocatedAt = :at',
            ConditionExpression: 'attribute_exists(conversationId)',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':preview': preview, ':at': at },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(Attributes?.lastSeq);
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },

    async appendAt(request) {
      try {
        await client.send(
          new TransactWriteCommand({ TransactItems: appendAtItems(tables, request) }),
        );
        return { outcome: 'stored' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        const outcome = reasons && classify(reasons.map((r) => r.code));
        if (!outcome) throw error;
        return outcome;
      }
    },

    async fillSeq(conversationId, seq, at) {
      try {
        await client.send(
          new PutCommand({
            TableName: tables.messages,
            Item: {
              conversationId,
              seq,
              kind: SKIPPED_KIND,
              id: `skipped:${seq}`,
              sentAt: new Date(at).toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(seq)',
          }),
        );
        return 'filled';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'taken';
        throw error;
      }
    },

    async replacePreview(conversationId, replaced, preview) {
      const { seq, ...rest } = preview ?? { seq: undefined };
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.conversations,
            Key: { conversationId },
            UpdateExpression:
              seq === undefined
                ? 'REMOVE lastMessage, lastMessageSeq'
                : 'SET lastMessage = :preview, lastMessageSeq = :seq',
            // A later send's preview stays: it took a higher seq after the filled one.
            ConditionExpression: 'lastMessageSeq = :replaced',
            ExpressionAttributeValues: {
              ':replaced': replaced,
              ...(seq === undefined ? {} : { ':preview': rest, ':seq': seq }),
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}

function appendAtItems(tables: SeqCounterTables, { message, rateLimit }: AppendAtRequest) {
  return [
    messagePut(tables.messages, message),
    idempotencyPut(tables.idempotency, message),
    readPositionUpdate(tables.members, message, true),
    rateLimitUpdate(tables.rateLimits, rateLimit),
  ];
}

/** The outcome a cancelled appendAt means, by the cancellation reason of each item. */
export function classify(codes: readonly (string | undefined)[]): AppendAtOutcome | undefined {
  const failed = (index: number) => codes[index] === 'ConditionalCheckFailed';
  if (failed(IDEMPOTENCY)) return { outcome: 'duplicate' };
  if (failed(MEMBER)) return { outcome: 'notMember' };
  if (failed(RATE_LIMIT)) return { outcome: 'rateLimited' };
  if (failed(MESSAGE)) return { outcome: 'seqTaken' };
  if (codes.some((code) => code === 'TransactionConflict')) return { outcome: 'conflict' };
  return undefined;
}
