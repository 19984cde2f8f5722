/**
 * The notify function's batch loop, apart from its wiring so tests can run it with their own
 * WeChat caller: each stream record's new image is a stored message, handled in order by the
 * notify domain. The first record that must be retried is reported in `batchItemFailures` and
 * processing stops there: Lambda retries from that record on (ReportBatchItemFailures), so the
 * records after it are not handled twice, and their order in the conversation holds.
 * A record that is not a message (a malformed image) is logged and skipped; it would fail the
 * same way on every retry and hold up its shard.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as v from 'valibot';
import { type NotifyDeps, notifyForMessage, type StoredMessage } from '../domain/notify';

const StoredMessageSchema = v.object({
  id: v.string(),
  conversationId: v.string(),
  seq: v.number(),
  senderId: v.string(),
  senderName: v.string(),
  senderRole: v.string(),
  text: v.string(),
  sentAt: v.string(),
  kind: v.optional(v.string()),
});

function storedMessage(image: unknown): StoredMessage | undefined {
  if (image === null || typeof image !== 'object') return undefined;
  let item: unknown;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(StoredMessageSchema, item);
  return parsed.success ? parsed.output : undefined;
}

/** Handles one stream batch with the given dependencies. */
export async function handleNotifyBatch(
  deps: NotifyDeps,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    const message = storedMessage(record.dynamodb?.NewImage);
    if (!message) {
      deps.log.warn('stream record is not a message', { eventID: record.eventID });
      continue;
    }
    let outcome;
    try {
      outcome = await notifyForMessage(deps, message);
    } catch (error) {
      deps.log.error('notification failed', { error: String(error), eventID: record.eventID });
      outcome = 'retry' as const;
    }
    if (outcome === 'retry') return { batchItemFailures: [{ itemIdentifier: sequence }] };
  }
  return { batchItemFailures: [] };
}
