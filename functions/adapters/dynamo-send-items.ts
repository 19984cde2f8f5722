/**
 * The transaction items every stored send writes, whichever way its seq was taken (a room's
 * counter, functions/adapters/dynamo-seq-counter.ts, or a support conversation's conditional
 * transaction, functions/adapters/dynamo-messages.ts): the message at its seq, the idempotency
 * key, the sender's read position and the rate-limit count. One builder each, so both paths store
 * and guard a send the same way.
 */
import type { RateLimitWindow } from '../domain/ports';
import type { ChatMessage } from '../../protocol/server-frames';

/** The idempotency key of a send: the sender's id and the frame id. */
export function sendKey(userId: string, clientId: string): string {
  return `${userId}#${clientId}`;
}

/** The message at its seq; cancelled (ConditionalCheckFailed) when the seq is taken. */
export function messagePut(table: string, message: ChatMessage) {
  return {
    Put: {
      TableName: table,
      Item: { ...message },
      ConditionExpression: 'attribute_not_exists(seq)',
    },
  };
}

/** The send's idempotency key; cancelled when the sender's frame id is stored already. */
export function idempotencyPut(table: string, message: ChatMessage) {
  return {
    Put: {
      TableName: table,
      Item: {
        sendKey: sendKey(message.senderId, message.clientId),
        conversationId: message.conversationId,
        seq: message.seq,
        messageId: message.id,
      },
      ConditionExpression: 'attribute_not_exists(sendKey)',
    },
  };
}

/**
 * The sender's read position moved to their own message; with `requireMembership`, cancelled
 * when the sender is no longer a member (left a room between the check and the write).
 */
export function readPositionUpdate(
  table: string,
  message: ChatMessage,
  requireMembership: boolean,
) {
  return {
    Update: {
      TableName: table,
      Key: { conversationId: message.conversationId, userId: message.senderId },
      UpdateExpression: 'SET readSeq = :seq',
      ...(requireMembership ? { ConditionExpression: 'attribute_exists(userId)' } : {}),
      ExpressionAttributeValues: { ':seq': message.seq },
    },
  };
}

/** One more send in the sender's rate window; cancelled when the window is full. */
export function rateLimitUpdate(table: string, rateLimit: RateLimitWindow) {
  return {
    Update: {
      TableName: table,
      Key: { limitKey: rateLimit.key },
      UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':limit': rateLimit.limit,
        ':expiresAt': rateLimit.expiresAt,
      },
    },
  };
}
