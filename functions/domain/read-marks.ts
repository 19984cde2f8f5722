/** read: a user's read position, which drives unread counts and read marks. */
import type { ReadFrame } from '../../protocol/client-frames';
import { authorizeParticipant, precheckParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { deliveryTopics } from './conversation-ids';
import { fanOut } from './fan-out';
import type { Caller } from './identity';

/**
 * Raises the caller's read position (never lowers it, never past the last message) and tells the
 * conversation's other connections. A position that does not move is silently accepted.
 */
export async function markRead(ctx: ChatContext, caller: Caller, frame: ReadFrame): Promise<void> {
  const target = requireConversationId(frame.conversationId);
  precheckParticipant(caller, target);
  const { conversation, member } = await ctx.conversations.getWithMember(target.id, caller.userId);
  authorizeParticipant(caller, target, conversation, member);
  if (!conversation) return;
  const seq = Math.min(frame.seq, conversation.lastSeq);
  if (seq <= (member?.readSeq ?? 0)) return;
  const advanced = await ctx.conversations.markRead(
    target.id,
    caller.userId,
    seq,
    target.kind === 'room',
  );
  if (!advanced) return;
  // What a student sees as "read" after a reload: the furthest any admin has read.
  if (target.kind === 'support' && caller.role === 'admin') {
    await ctx.conversations.raiseDeskRead(target.id, seq);
  }
  await fanOut(
    ctx,
    deliveryTopics(target),
    { type: 'read', conversationId: target.id, userId: caller.userId, seq },
    caller.connectionId,
  );
}
