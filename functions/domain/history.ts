/** sync: the messages of a conversation after (or before) a seq, in seq order. */
import type { SyncFrame } from '../../protocol/client-frames';
import { SYNC_DEFAULT_LIMIT } from '../../protocol/limits';
import type { ChatMessage } from '../../protocol/server-frames';
import { authorizeParticipant, precheckParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { BadRequestError } from './errors';
import { reply } from './fan-out';
import { itemsWithinBudget } from './frame-budget';
import type { Caller } from './identity';
import type { ImageServices } from './images';
import { withImageUrls } from './images';
import { pageSpan, repairHoles } from './seq-holes';
import { peerReadSeq } from './summaries';

/**
 * Replies with a `history` frame. With `before`, the page holds the newest messages below it
 * (scrolling up); otherwise the oldest above `after` (catching up). Either way ascending, at most
 * `limit` messages and SERVER_FRAME_BUDGET_BYTES in all.
 */
export async function syncHistory(
  ctx: ChatContext,
  caller: Caller,
  frame: SyncFrame,
  images?: ImageServices,
): Promise<void> {
  const target = requireConversationId(frame.conversationId);
  precheckParticipant(caller, target);
  const after = frame.after ?? 0;
  if (frame.before !== undefined && frame.before <= after) {
    throw new BadRequestError('before must be greater than after');
  }
  // An admin reading a support conversation also gets the student's read position (same time).
  const studentOf =
    target.kind === 'support' && target.studentId !== caller.userId ? target.studentId : undefined;
  const [{ conversation, member }, student] = await Promise.all([
    ctx.conversations.getWithMember(target.id, caller.userId),
    studentOf === undefined
      ? Promise.resolve(undefined)
      : ctx.conversations
          .getMembers([{ conversationId: target.id, userId: studentOf }])
          .then((found) => found[0]),
  ]);
  authorizeParticipant(caller, target, conversation, member);
  const peer = conversation ? peerReadSeq(conversation, caller, student) : undefined;

  const limit = frame.limit ?? SYNC_DEFAULT_LIMIT;
  let page: { messages: ChatMessage[]; hasMore: boolean } = { messages: [], hasMore: false };
  // Nothing newer than what the client holds: answer without touching the messages table.
  if (conversation && after < conversation.lastSeq) {
    const range = {
      after,
      ...(frame.before !== undefined ? { before: frame.before } : {}),
      limit,
      newest: frame.before !== undefined,
    };
    page = await ctx.messages.list(target.id, range);
    // Rooms number by counter (room-send.ts): a seq whose send died is filled here once old.
    const span = target.kind === 'room' && pageSpan(page, range, conversation.lastSeq);
    if (span && page.messages.length < span.to - span.from + 1) {
      page = { ...page, messages: await repairHoles(ctx, conversation, page.messages, span) };
    }
  }
  // Image messages get their download URLs before the budget is counted: URLs are long (about
  // 1.5 KB each on AWS with the session token), and a page stops early to carry them.
  if (images && page.messages.some((m) => m.image)) {
    page = {
      ...page,
      messages: await Promise.all(page.messages.map((m) => withImageUrls(ctx, images.store, m))),
    };
  }
  const envelope = {
    type: 'history' as const,
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversationId: target.id,
    messages: [] as ChatMessage[],
    hasMore: true,
    ...(peer !== undefined ? { peerReadSeq: peer } : {}),
  };
  // Under the byte budget, the page keeps the messages next to where it starts: the oldest when
  // catching up, the newest (next to `before`) when scrolling up. Either way the rest is `hasMore`.
  const scrollingUp = frame.before !== undefined;
  const fit = itemsWithinBudget(envelope, page.messages, { fromEnd: scrollingUp });
  const messages = scrollingUp
    ? page.messages.slice(page.messages.length - fit)
    : page.messages.slice(0, fit);
  await reply(ctx, caller.connectionId, {
    ...envelope,
    messages,
    hasMore: page.hasMore || fit < page.messages.length,
  });
}
