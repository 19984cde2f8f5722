/**
 * Writes a long history straight into the messages table (BatchWrite), as a conversation that has
 * been in use for months would have, and raises the conversation's lastSeq to match. For tests and
 * the search bench: sending hundreds of thousands of messages through the socket would take hours.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../../functions/adapters/dynamo-batch';

export interface SeedSender {
  readonly senderId: string;
  readonly senderName: string;
  readonly senderRole: 'admin' | 'student';
}

/**
 * Appends `texts` to an existing conversation after seq `fromSeq` (its lastSeq now), one message
 * a minute before `endAt` (epoch ms, newest last). Returns the new lastSeq.
 */
export async function seedHistory(
  db: DynamoDBDocumentClient,
  tables: { readonly messages: string; readonly conversations: string },
  conversationId: string,
  fromSeq: number,
  texts: readonly string[],
  senderOf: (i: number) => SeedSender,
  endAt: number = Date.now() - 60 * 60_000,
): Promise<number> {
  const writes = texts.map((text, i) => {
    const seq = fromSeq + i + 1;
    return {
      table: tables.messages,
      request: {
        PutRequest: {
          Item: {
            conversationId,
            seq,
            id: `seed-${conversationId}-${seq}`,
            clientId: `seed-${seq}`,
            ...senderOf(i),
            text,
            sentAt: new Date(endAt - (texts.length - i) * 60_000).toISOString(),
          },
        },
      },
    };
  });
  await batchWriteAll(db, writes);
  const lastSeq = fromSeq + texts.length;
  await db.send(
    new UpdateCommand({
      TableName: tables.conversations,
      Key: { conversationId },
      UpdateExpression: 'SET lastSeq = :seq',
      ConditionExpression: 'attribute_exists(conversationId) AND lastSeq = :from',
      ExpressionAttributeValues: { ':seq': lastSeq, ':from': fromSeq },
    }),
  );
  return lastSeq;
}
