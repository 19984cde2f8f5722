/**
 * sendmessage: number the message, store it exactly once, acknowledge it, deliver it.
 *
 * Round trips before the ack: one BatchGet (conversation, sender's member item, idempotency key)
 * and one transaction that writes message, idempotency key, conversation lastSeq, the sender's read
 * position and the rate-limit counter together. The transaction is conditional on lastSeq still
 * being what was read, so concurrent senders get consecutive seqs with no gaps, and a crash can
 * never leave a half-written send. A retry with the same `id` finds the idempotency key and gets
 * the original ack, whichever step the first attempt died in.
 *
 * That conditional transaction is how support conversations are numbered (their desk state
 * changes in it). Rooms take the seq from a counter instead and write the message at it
 * (room-send.ts): many senders, no race. A first try (no `resend`) of a text send to a room, from
 * a sender this instance saw pass the membership check lately, skips the read (known-members.ts):
 * the seq, then the message's transaction, whose conditions are the same checks — two round trips
 * before the ack. A resend reads first, so a stored id is answered without taking a seq.
 */

import type { SendMessageFrame } from '../../protocol/client-frames';
import type { MessageImage } from '../../protocol/images';
import type { ChatMessage } from '../../protocol/server-frames';
import { authorizeParticipant } from './access';
import type { ChatContext } from './chat-context';
import { deliveryTopics } from './conversation-ids';
import { BadRequestError, BusyError, ForbiddenError, InternalError } from './errors';
import { deliver, describe, encodeFrame, recipientsOf, reply } from './fan-out';
import type { Caller } from './identity';
import { verifyImageAttachment } from './image-attachment';
import { submitImageCheck } from './image-check';
import { type ImageServices, withImageUrls } from './images';
import type { AppendRequest, SendContext } from './ports';
import { pendingPreviewOf, previewOf } from './previews';
import { appendToRoom } from './room-send';
import {
  type AdmissionState,
  type AdmittedSend,
  rateLimitWindow,
  windowFull,
} from './send-admission';
import { BUSY_RETRY_MAX_MS, BUSY_RETRY_MIN_MS } from './send-gate';
import { announceDeskChange } from './desk';
import type { DeskChange, DeskStore } from './desk-ports';
import { deskUpdateForSend } from './desk-send';

/**
 * Stores, acks and delivers a send that passed admission (send-admission.ts). Resolves once the
 * sender has its ack; delivery to the others follows before it returns.
 */
export async function sendMessage(
  ctx: ChatContext,
  caller: Caller,
  admitted: AdmittedSend,
  admission: Pick<AdmissionState, 'senders'>,
  images?: ImageServices,
  desk?: DeskStore,
): Promise<void> {
  const { frame, target } = admitted;
  // An image attachment is checked by image-attachment.ts before anything is stored.
  if (frame.image && !images) throw new BadRequestError('image messages are not enabled');
  let image: MessageImage | undefined;

  if (
    target.kind === 'room' &&
    !frame.image &&
    frame.resend !== true &&
    ctx.knownMembers?.has(target.id, caller.userId, ctx.now()) &&
    (await sendAsKnownMember(ctx, caller, admitted, admission))
  ) {
    return;
  }

  let loaded: SendContext | undefined;
  for (let attempt = 1; ; attempt++) {
    loaded ??= await ctx.messages.loadSendContext(target.id, caller.userId, frame.id);
    if (loaded.previous) {
      await replayAck(ctx, caller, frame, loaded.previous, images);
      return;
    }
    authorizeParticipant(caller, target, loaded.conversation, loaded.member);
    if (target.kind === 'room') ctx.knownMembers?.remember(target.id, caller.userId, ctx.now());
    if (frame.image && images && !image) {
      image = await verifyImageAttachment(images, caller, target.id, frame.image, ctx.now);
      // WeChat's check, before the message is stored (fail closed; image-check.ts).
      if (images.check) {
        await submitImageCheck(ctx, images.store, images.check, {
          conversationId: target.id,
          key: image.key,
          senderId: caller.userId,
          clientId: frame.id,
        });
      }
    }

    const body = messageBody(caller, admitted, image);
    const compose = composer(ctx, body);

    if (target.kind === 'room') {
      // Rooms take their seq from a counter (room-send.ts): no race between their senders.
      const result = await appendToRoom(
        ctx,
        target.id,
        caller.userId,
        compose,
        (at) => pendingPreviewOf({ ...body, sentAt: new Date(at).toISOString() }),
        (at) => rateLimitWindow(ctx, caller.userId, at),
        admission,
      ).catch((error: unknown) => {
        if (error instanceof ForbiddenError) ctx.knownMembers?.forget(target.id, caller.userId);
        throw error;
      });
      if (result.outcome === 'duplicate') {
        loaded = undefined;
        continue;
      }
      await acknowledgeAndDeliver(
        ctx,
        caller,
        frame.id,
        await withImageUrls(ctx, images?.store, result.message),
        deliveryTopics(target),
      );
      return;
    }

    const expectedLastSeq = loaded.conversation?.lastSeq ?? 0;
    const sentAt = ctx.now();
    const message = compose(expectedLastSeq + 1, sentAt);
    // Support conversations: waiting-since and a reopening, in the same transaction (desk-send.ts).
    const deskUpdate =
      target.kind === 'support'
        ? deskUpdateForSend(loaded.conversation, caller, sentAt, ctx.newId())
        : undefined;
    const request: AppendRequest = {
      message,
      ...(deskUpdate ? { desk: deskUpdate } : {}),
      expectedLastSeq,
      requireMembership: false,
      preview: previewOf(message),
      rateLimit: rateLimitWindow(ctx, caller.userId, sentAt),
      ...(target.kind === 'support' && !loaded.conversation
        ? { createConversation: { kind: 'support', title: caller.name, studentId: caller.userId } }
        : {}),
    };
    const result = await ctx.messages.append(request);
    switch (result.outcome) {
      case 'stored':
        await acknowledgeAndDeliver(
          ctx,
          caller,
          frame.id,
          await withImageUrls(ctx, images?.store, message),
          deliveryTopics(target),
        );
        if (deskUpdate?.reopen && desk) {
          await announceReopen(ctx, desk, caller, target.id, deskUpdate.reopen.event.change);
        }
        return;
      case 'notMember':
        throw new ForbiddenError('join the room first');
      case 'rateLimited':
        throw windowFull(ctx, admission, caller.userId, sentAt);
      case 'duplicate':
        // This very send raced itself: the next read finds the stored message.
        loaded = undefined;
        continue;
      case 'conflict':
        // Someone else took this seq. When the store says which seq is current, retry with it
        // straight away (one round trip); otherwise read again. One contender wins each round,
        // so a burst of N senders needs about N rounds; jitter spreads them out.
        // A lastSeq still as read means something else moved (the desk state): read it all again.
        loaded =
          result.lastSeq !== undefined && result.lastSeq !== expectedLastSeq && loaded.conversation
            ? { ...loaded, conversation: { ...loaded.conversation, lastSeq: result.lastSeq } }
            : undefined;
        if (attempt >= ctx.config.sendSeqAttempts) {
          // A few quick tries, then shed: a long retry loop under contention only adds load
          // (congestion collapse). Nothing is stored; the outbox resends the same id later.
          ctx.log.warn('send shed after repeated seq conflicts', {
            conversationId: target.id,
            attempt,
          });
          throw new BusyError(
            'conversation is busy; retry the send with the same id',
            seqBusyRetryMs(attempt),
          );
        }
        // Full jitter over a window that doubles (16, 32, 64 ms ...): a herd of losers that
        // retried at once would keep colliding (and load the table with transactions that
        // cannot win).
        await sleep(Math.random() * Math.min(SEQ_JITTER_MAX_MS, 8 * 2 ** attempt));
    }
  }
}

/** A message's fields apart from its id, seq and time. */
type MessageBody = Omit<ChatMessage, 'id' | 'seq' | 'sentAt'>;

function messageBody(caller: Caller, admitted: AdmittedSend, image?: MessageImage): MessageBody {
  return {
    clientId: admitted.frame.id,
    conversationId: admitted.target.id,
    senderId: caller.userId,
    senderName: caller.name,
    senderRole: caller.role,
    text: admitted.text,
    ...(image ? { image } : {}),
  };
}

/** The message at a seq and time, with a new id. */
function composer(ctx: ChatContext, body: MessageBody): (seq: number, at: number) => ChatMessage {
  return (seq, at) => ({ id: ctx.newId(), seq, sentAt: new Date(at).toISOString(), ...body });
}

/**
 * A text send to a room from a sender this instance saw pass the membership check lately
 * (known-members.ts): the seq and the message's transaction, without the read before them. False
 * when the store said otherwise — the id is stored already (the full path replays its ack) or
 * the sender is no member (the entry is forgotten; the full path reads and answers the exact
 * error). Any other outcome is final, as on the full path.
 */
async function sendAsKnownMember(
  ctx: ChatContext,
  caller: Caller,
  admitted: AdmittedSend,
  admission: Pick<AdmissionState, 'senders'>,
): Promise<boolean> {
  const { target } = admitted;
  const body = messageBody(caller, admitted);
  let result;
  try {
    result = await appendToRoom(
      ctx,
      target.id,
      caller.userId,
      composer(ctx, body),
      (at) => pendingPreviewOf({ ...body, sentAt: new Date(at).toISOString() }),
      (at) => rateLimitWindow(ctx, caller.userId, at),
      admission,
    );
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    ctx.knownMembers?.forget(target.id, caller.userId);
    return false;
  }
  if (result.outcome === 'duplicate') return false;
  await acknowledgeAndDeliver(
    ctx,
    caller,
    admitted.frame.id,
    result.message,
    deliveryTopics(target),
  );
  return true;
}

/**
 * Acks the sender and delivers to the others. The recipients are looked up while the ack is on
 * its way, which takes a round trip off every delivery. The message is stored: a failed ack must
 * not keep it from the others (the sender's retry gets the ack from the idempotency key), so the
 * ack's failure is raised only after delivery; and a failed lookup must not answer an acked send
 * with an error — the others then catch up with `sync` (the next message shows them the gap).
 */
async function acknowledgeAndDeliver(
  ctx: ChatContext,
  caller: Caller,
  frameId: string,
  message: ChatMessage,
  topics: readonly string[],
): Promise<void> {
  const [acked, recipients] = await Promise.all([
    reply(ctx, caller.connectionId, { type: 'ack', id: frameId, message }).then(
      () => undefined,
      (error: unknown) => ({ error }),
    ),
    recipientsOf(ctx, topics, caller.connectionId).catch((error: unknown) => {
      ctx.log.warn('recipients lookup failed; members will sync', {
        conversationId: message.conversationId,
        seq: message.seq,
        error: describe(error),
      });
      return [];
    }),
  ]);
  await deliver(ctx, recipients, encodeFrame({ type: 'message', message }));
  if (acked) throw acked.error;
}

async function replayAck(
  ctx: ChatContext,
  caller: Caller,
  frame: SendMessageFrame,
  previous: { conversationId: string; seq: number },
  images: ImageServices | undefined,
): Promise<void> {
  if (previous.conversationId !== frame.conversationId) {
    throw new BadRequestError(
      `id ${frame.id} was already used for a message in another conversation`,
    );
  }
  const message = await ctx.messages.get(previous.conversationId, previous.seq);
  if (!message) throw new InternalError('stored message not found; retry');
  await reply(ctx, caller.connectionId, {
    type: 'ack',
    id: frame.id,
    message: await withImageUrls(ctx, images?.store, message),
  });
}

/**
 * A student's message (re)opened their conversation for the desk: every admin hears of it (counts
 * change). The message is stored and acked; a failed announcement is only logged.
 */
async function announceReopen(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  conversationId: string,
  change: DeskChange,
): Promise<void> {
  try {
    const conversation = await ctx.conversations.get(conversationId);
    if (conversation) {
      await announceDeskChange(ctx, desk, conversation, change, caller);
    }
  } catch (error) {
    ctx.log.warn('desk reopen announcement failed', { conversationId, error: describe(error) });
  }
}

/** The longest jittered pause between two tries at the next seq. */
const SEQ_JITTER_MAX_MS = 100;

/**
 * The retryAfterMs of a send shed after its seq tries: about as long as those tries took, within
 * the send gate's bounds (send-gate.ts), so the resend lands after the burst it lost to.
 */
function seqBusyRetryMs(attempts: number): number {
  const spent = Array.from({ length: attempts }, (_, i) =>
    Math.min(SEQ_JITTER_MAX_MS, 8 * 2 ** (i + 1)),
  );
  return Math.min(
    BUSY_RETRY_MAX_MS,
    Math.max(
      BUSY_RETRY_MIN_MS,
      spent.reduce((a, b) => a + b, 0),
    ),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
