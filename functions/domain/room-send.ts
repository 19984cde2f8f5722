/**
 * Storing a room message at a seq from the room's counter (issue 18: hot rooms without seq
 * races).
 *
 * Support conversations number a message with a transaction conditional on the lastSeq read
 * (send-message.ts): their desk state changes with the message, atomically, and their senders
 * are one student and the staff on the case. Rooms have many senders and no desk state, and
 * under that optimistic scheme N simultaneous senders needed about N rounds of cancelled
 * transactions. Here a sender first takes the next seq with an atomic increment (never
 * conflicts), then writes the message at it (MessageStore.appendAt), a transaction that shares
 * no item with another sender's.
 *
 * The increment writes the send's preview too (the conversation list's last message), so a send
 * is two requests: the increment and the message's transaction. A send that fails after it puts
 * the preview back when it fills its seq (seq-holes.ts fillSkipped).
 *
 * A seq taken by a send that then fails must not become a gap that readers wait on forever:
 * - refused after allocation (the sender left the room, the window filled, the same id raced
 *   itself, or the store failed): the sender writes a `skipped` filler at its seq at once;
 * - a sender that dies in between leaves a hole; a reader that finds one older than
 *   SEQ_HOLE_AGE_MS fills it (seq-holes.ts). A slow sender that finds its seq filled
 *   (`seqTaken`) takes a new one: nothing was stored, so nothing is lost or duplicated.
 */
import type { ChatMessage } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { BusyError, ForbiddenError } from './errors';
import { describe } from './fan-out';
import type { PendingPreviewRecord, RateLimitWindow } from './ports';
import { type AdmissionState, windowFull } from './send-admission';
import { BUSY_RETRY_MIN_MS } from './send-gate';
import { fillSkipped } from './seq-holes';

/** What a room send ended in (errors are thrown). */
export type RoomAppendResult =
  | { readonly outcome: 'stored'; readonly message: ChatMessage }
  /** This sender's id is stored already: the caller replays the original ack. */
  | { readonly outcome: 'duplicate' };

/**
 * Allocates a seq with `preview(sentAt)` as the room's last message, and stores
 * `build(seq, sentAt)` at it. Throws ForbiddenError (not a member), RateLimitedError (window
 * full) or BusyError (the rare retries ran out); every seq it took is then filled, so readers see
 * no gap.
 */
export async function appendToRoom(
  ctx: ChatContext,
  conversationId: string,
  senderId: string,
  build: (seq: number, sentAt: number) => ChatMessage,
  preview: (sentAt: number) => PendingPreviewRecord,
  rateLimit: (sentAt: number) => RateLimitWindow,
  admission: Pick<AdmissionState, 'senders'>,
): Promise<RoomAppendResult> {
  const attempts = ctx.config.sendSeqAttempts;
  for (let allocation = 1; ; allocation++) {
    // The message is sent when its seq is taken: the hole repair (seq-holes.ts) dates a hole by
    // the sentAt of the message above it.
    const sentAt = ctx.now();
    const seq = await ctx.messages.allocateSeq(conversationId, sentAt, preview(sentAt));
    if (seq === undefined) throw new ForbiddenError('join the room first');
    const message = build(seq, sentAt);
    const window = rateLimit(sentAt);
    let result;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await ctx.messages.appendAt({ message, rateLimit: window });
      } catch (error) {
        // The write may have happened (a lost reply): the filler's condition then leaves it.
        await fill(ctx, conversationId, seq);
        throw error;
      }
      // Another write held the sender's own member or rate-limit item (the same user sending
      // twice at once): the seq is still this send's, so the write is simply repeated.
      if (result.outcome !== 'conflict' || attempt >= attempts) break;
      await sleep(Math.random() * 8 * 2 ** attempt);
    }
    switch (result.outcome) {
      case 'stored':
        return { outcome: 'stored', message };
      case 'seqTaken':
        // A reader filled the seq while this send was slow: nothing was stored; take a new one.
        if (allocation < attempts) continue;
        throw busy(ctx, conversationId, allocation);
      case 'duplicate':
        await fill(ctx, conversationId, seq);
        return { outcome: 'duplicate' };
      case 'notMember':
        await fill(ctx, conversationId, seq);
        throw new ForbiddenError('join the room first');
      case 'rateLimited':
        await fill(ctx, conversationId, seq);
        throw windowFull(ctx, admission, senderId, sentAt);
      case 'conflict':
        await fill(ctx, conversationId, seq);
        throw busy(ctx, conversationId, allocation);
    }
  }
}

/** Fills a seq this send took and will not use. A failure is left to the readers' repair. */
async function fill(ctx: ChatContext, conversationId: string, seq: number): Promise<void> {
  try {
    await fillSkipped(ctx, conversationId, seq, ctx.now());
  } catch (error) {
    ctx.log.warn('could not fill a skipped seq; readers will', {
      conversationId,
      seq,
      error: describe(error),
    });
  }
}

function busy(ctx: ChatContext, conversationId: string, tries: number): BusyError {
  ctx.log.warn('room send shed after repeated write conflicts', { conversationId, tries });
  return new BusyError('conversation is busy; retry the send with the same id', BUSY_RETRY_MIN_MS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
