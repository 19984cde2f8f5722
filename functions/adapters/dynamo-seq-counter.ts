/**
 * Room sends over a seq counter (functions/domain/room-send.ts), the DynamoDB side:
 *
 * - `allocateSeq`: one UpdateItem `ADD lastSeq 1` on the conversation item. DynamoDB applies
 *   updates to one item one after another, so concurrent senders get consecutive seqs and none
 *   of them fails.
 * - `appendAt`: one transaction of the message (conditional on its seq being free), the
 *   idempotency key, the sender's read position and the rate-limit count. It leaves the
 *   conversation item out: two senders' transactions then share no item, and DynamoDB cancels a
 *   transaction only when another one holds an item it writes (TransactionConflict).
 * - `fillSeq`: the `skipped` filler of a seq whose send failed after allocation.
 * - `setPreview`: the conversation's last-message preview, written after the message and only
 *   when no later seq's preview is there already.
 *
 * Write cost per send is what the single conditional transaction cost: the increment (1 WCU),
 * four transactional writes (2 WCU each) and the preview (1 WCU), against five transactional
 * writes before.
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AppendAtOutcome,
  AppendAtRequest,
  MessagePreviewRecord,
  MessageStore,
} from '../domain/ports';
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

/** The four room-send operations of the MessageStore. */
export function createSeqCounter(
  client: DynamoDBDocumentClient,
  tables: SeqCounterTables,
): Pick<MessageStore, 'allocateSeq' | 'appendAt' | 'fillSeq' | 'setPreview'> {
  return {
    async allocateSeq(conversationId, at) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tables.conversations,
            Key: { conversationId },
            UpdateExpression: 'ADD lastSeq :one SET seqAllocatedAt = :at',
            ConditionExpression: 'attribute_exists(conversationId)',
            ExpressionAttributeValues: { ':one': 1, ':at': at },
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

    async setPreview(conversationId, preview: MessagePreviewRecord, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.conversations,
            Key: { conversationId },
            UpdateExpression: 'SET lastMessage = :preview, lastActivityAt = :at',
            // A later message's preview stays: previews are written after their messages, in
            // whatever order the senders finish.
            ConditionExpression:
              'attribute_exists(conversationId) AND (attribute_not_exists(lastMessage) OR lastMessage.seq < :seq)',
            ExpressionAttributeValues: { ':preview': preview, ':at': at, ':seq': preview.seq },
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
