/**
 * recall and remove: a message becomes a tombstone. It keeps its seq (no gap), its text is deleted
 * from the messages table and from the conversation's preview, every other open connection of the
 * conversation gets a `recalled` notice, and a later `sync` returns the tombstone. Both are
 * idempotent: taking down a tombstone answers with it as it is.
 *
 * The moderation record (who, when, why) goes to the moderation table before the text is deleted,
 * so a crash in between leaves a record and a message a repeat finishes, never a deletion without a
 * record. An admin removal keeps the removed text in the record (the desk must be able to show what
 * it acted on); a sender's recall keeps none: the sender took their words back, and what someone
 * reported before the recall is kept with that report (reports.ts).
 *
 * A picture's objects (the upload, its display copy and its thumbnail) are deleted before the
 * tombstone is written: a taken-down picture must not stay fetchable by anyone who kept a URL,
 * and deleting first means a failure leaves a message a repeat finishes (S3 deletes are
 * idempotent, and the tombstone keeps the image's key), never a tombstone whose objects live on.
 */
import type { RecallFrame, RemoveFrame } from '../../protocol/client-frames';
import { RECALL_WINDOW_SECONDS } from '../../protocol/limits';
import type { ChatMessage, RecalledBy, RecalledFrame } from '../../protocol/server-frames';
import { readableMessage, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { deliveryTopics, type ParsedConversationId } from './conversation-ids';
import { ForbiddenError, NotFoundError } from './errors';
import { describe, fanOut, reply } from './fan-out';
import type { Caller } from './identity';
import { imageObjectKeys } from './image-keys';
import type { ImageObjectStore } from './image-ports';

/** The sender takes back their own message, within RECALL_WINDOW_SECONDS of sending it. */
export async function recallMessage(
  ctx: ChatContext,
  caller: Caller,
  frame: RecallFrame,
  objects: ImageObjectStore,
): Promise<void> {
  const { target, message } = await readableMessage(ctx, caller, frame.conversationId, frame.seq);
  if (message.senderId !== caller.userId) {
    throw new ForbiddenError('you can only recall your own messages');
  }
  if (message.recalled === undefined) {
    const age = ctx.now() - Date.parse(message.sentAt);
    if (!(age <= RECALL_WINDOW_SECONDS * 1000)) {
      throw new ForbiddenError(
        `a message can be recalled only within ${RECALL_WINDOW_SECONDS} s of sending`,
      );
    }
  }
  await takeDown(ctx, objects, caller, frame.id, target, message, 'sender');
}

/** An admin takes down any message, at any time, with an optional reason for the record. */
export async function removeMessage(
  ctx: ChatContext,
  caller: Caller,
  frame: RemoveFrame,
  objects: ImageObjectStore,
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only admins can remove messages');
  const target = requireConversationId(frame.conversationId);
  // Admins moderate every conversation, including rooms they have not joined.
  const message = await ctx.messages.get(target.id, frame.seq);
  if (!message) throw new NotFoundError(`no message ${frame.seq} in ${target.id}`);
  await takeDown(ctx, objects, caller, frame.id, target, message, 'admin', frame.reason);
  // Whatever was reported about it has been acted on.
  await ctx.moderation
    .closeReportsOf(target.id, frame.seq, 'removed', caller.userId, ctx.now())
    .catch((error: unknown) => {
      ctx.log.warn('could not close the reports of a removed message', {
        conversationId: target.id,
        seq: frame.seq,
        error: describe(error),
      });
    });
}

/**
 * Who takes a message down: a caller (their connection gets the notice as the reply), or the
 * system acting on WeChat's image check (no connection: every member's connection gets it).
 */
export interface TakedownActor {
  readonly userId: string;
  readonly connectionId?: string;
}

/** Takes `message` down (idempotent): record, a picture's objects, tombstone, preview, notices. */
export async function takeDown(
  ctx: ChatContext,
  objects: ImageObjectStore,
  caller: TakedownActor,
  frameId: string | undefined,
  target: ParsedConversationId,
  message: ChatMessage,
  by: RecalledBy,
  reason?: string,
): Promise<void> {
  const at = ctx.now();
  if (message.recalled === undefined) {
    await ctx.moderation.recordTakedown({
      conversationId: target.id,
      seq: message.seq,
      by,
      actorId: caller.userId,
      senderId: message.senderId,
      at,
      ...(reason !== undefined && reason.length > 0 ? { reason } : {}),
      ...(by === 'admin' ? { removedText: message.text } : {}),
    });
  }
  if (message.image !== undefined) {
    await Promise.all(imageObjectKeys(message.image.key).map((key) => objects.remove(key)));
  }
  const result = await ctx.messages.tombstone({
    conversationId: target.id,
    seq: message.seq,
    by,
    at,
  });
  if (result.outcome === 'notFound') {
    throw new NotFoundError(`no message ${message.seq} in ${target.id}`);
  }
  const notice: RecalledFrame = {
    type: 'recalled',
    conversationId: target.id,
    seq: message.seq,
    recalled: result.message.recalled ?? by,
    recalledAt: new Date(result.recalledAt).toISOString(),
  };
  ctx.log.info('message taken down', {
    conversationId: target.id,
    seq: message.seq,
    by: notice.recalled,
    actorId: caller.userId,
  });
  if (caller.connectionId !== undefined) {
    await reply(ctx, caller.connectionId, {
      ...notice,
      ...(frameId !== undefined ? { id: frameId } : {}),
    });
  }
  // A repeat notifies again: a member who missed the first notice (a dropped post) gets it now,
  // and every client applies it idempotently.
  await fanOut(ctx, deliveryTopics(target), notice, caller.connectionId);
}
