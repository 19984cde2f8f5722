/**
 * Repair of room seq holes (room-send.ts): a seq the counter gave to a send that died before its
 * message or filler was written. A `sync` that reads across a hole older than SEQ_HOLE_AGE_MS
 * fills it, so every client's seqs become gap-free again; a younger one is probably a send still
 * on its way and is left alone (the client asks again, protocol/limits.ts SEQ_HOLE_RECHECK_MS).
 * A send that finds its seq filled takes a new one, so the repair never loses a message.
 *
 * Every filler, a failed send's own or a reader's, goes through fillSkipped: the send wrote its
 * preview with the seq it took (room-send.ts), and a conversation list must not show a message
 * that is not there.
 */
import { SEQ_HOLE_AGE_MS } from '../../protocol/limits';
import { type ChatMessage, skippedMessage } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import type { ConversationRecord } from './ports';
import { previewOf } from './previews';

/** Holes filled per `sync` at most (each costs a conditional write). */
export const MAX_HOLE_REPAIRS_PER_SYNC = 20;

/**
 * Stored messages looked at, newest first, for the preview that replaces a filled seq's; none
 * among them (all fillers): the conversation shows no preview until its next message.
 */
export const PREVIEW_LOOKBACK = 20;

/**
 * Writes the `skipped` filler at `seq` unless something is stored there, and then puts the
 * conversation's preview back to the newest message stored below it, if the preview is still the
 * one the failed send wrote. `taken`: a message (or filler) is at `seq`, and nothing changed.
 *
 * `previewSeq`: the seq of the preview in a conversation record read after `seq` was taken
 * (null: it had none). A preview that was not this seq's then never will be (later sends only
 * raise it; a put-back names a stored message, never a hole), so the look below is skipped.
 */
export async function fillSkipped(
  ctx: ChatContext,
  conversationId: string,
  seq: number,
  at: number,
  previewSeq?: number | null,
): Promise<'filled' | 'taken'> {
  if ((await ctx.messages.fillSeq(conversationId, seq, at)) === 'taken') return 'taken';
  if (previewSeq !== undefined && previewSeq !== seq) return 'filled';
  const below = await ctx.messages.list(conversationId, {
    after: Math.max(0, seq - PREVIEW_LOOKBACK - 1),
    before: seq,
    limit: PREVIEW_LOOKBACK,
    newest: true,
  });
  const newest = below.messages.filter((m) => m.kind !== 'skipped').at(-1);
  await ctx.messages.replacePreview(conversationId, seq, newest && previewOf(newest));
  return 'filled';
}

/** The seq range a history page covers completely, had nothing been missing. */
export interface PageSpan {
  /** Lowest seq the page should hold. */
  readonly from: number;
  /** Highest seq the page should hold. */
  readonly to: number;
}

/**
 * The span a page of `list` covers: from `after + 1` (or, scrolling up with more below, its
 * first message) to `before - 1` or lastSeq (or, catching up with more above, its last message).
 */
export function pageSpan(
  page: { readonly messages: readonly ChatMessage[]; readonly hasMore: boolean },
  range: { readonly after: number; readonly before?: number; readonly newest: boolean },
  lastSeq: number,
): PageSpan | undefined {
  const first = page.messages[0]?.seq;
  const last = page.messages[page.messages.length - 1]?.seq;
  const top = Math.min(lastSeq, range.before !== undefined ? range.before - 1 : lastSeq);
  if (page.hasMore && (first === undefined || last === undefined)) return undefined;
  const from = range.newest && page.hasMore ? (first as number) : range.after + 1;
  const to = !range.newest && page.hasMore ? (last as number) : top;
  return from <= to ? { from, to } : undefined;
}

/**
 * Returns the page's messages with the old holes of its span filled (ascending): each filled
 * hole as its `skipped` filler, or as the message that landed there meanwhile.
 */
export async function repairHoles(
  ctx: ChatContext,
  conversation: Pick<ConversationRecord, 'conversationId' | 'seqAllocatedAt' | 'lastMessage'>,
  messages: readonly ChatMessage[],
  span: PageSpan,
): Promise<ChatMessage[]> {
  const now = ctx.now();
  const held = new Map(messages.map((m) => [m.seq, m]));
  const old: number[] = [];
  // A hole is at least as old as the next message stored above it (its seq was taken first);
  // above the last one, as old as the latest allocation.
  let newerSentAt = conversation.seqAllocatedAt;
  for (let seq = span.to; seq >= span.from; seq--) {
    const message = held.get(seq);
    if (message) newerSentAt = Date.parse(message.sentAt);
    else if (newerSentAt !== undefined && now - newerSentAt >= SEQ_HOLE_AGE_MS) old.push(seq);
  }
  if (old.length === 0) return [...messages];
  const repairs = old.slice(-MAX_HOLE_REPAIRS_PER_SYNC);
  const { conversationId } = conversation;
  // The record was read after every seq up to its lastSeq was taken, these holes included.
  const previewSeq = conversation.lastMessage?.seq ?? null;
  const found = await Promise.all(
    repairs.map(async (seq) => {
      if ((await fillSkipped(ctx, conversationId, seq, now, previewSeq)) === 'taken') {
        // A late send (or another reader) got there first: read what is there.
        const page = await ctx.messages.list(conversationId, {
          after: seq - 1,
          before: seq + 1,
          limit: 1,
          newest: false,
        });
        return page.messages[0];
      }
      ctx.log.info('filled a room seq hole', { conversationId, seq });
      return skippedAt(conversationId, seq, now);
    }),
  );
  for (const message of found) if (message) held.set(message.seq, message);
  return [...held.values()].sort((a, b) => a.seq - b.seq);
}

/** A `skipped` filler written at `at` (epoch ms). */
export function skippedAt(conversationId: string, seq: number, at: number): ChatMessage {
  return skippedMessage(conversationId, seq, new Date(at).toISOString());
}
