/**
 * Who may take part in which conversation: the authorization matrix of docs/protocol.md §5 (the
 * tables there are checked cell by cell against the running stack by test/authorization.test.ts).
 */
import { type ParsedConversationId, parseConversationId } from './conversation-ids';
import { ForbiddenError, NotFoundError } from './errors';
import type { Identity } from './identity';
import type { ChatMessage } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import type { ConversationRecord, MemberRecord } from './ports';

/** The parsed id, or NOT_FOUND for an id that is not a conversation id at all. */
export function requireConversationId(conversationId: string): ParsedConversationId {
  const parsed = parseConversationId(conversationId);
  if (!parsed) throw new NotFoundError(`no conversation ${conversationId}`);
  return parsed;
}

/**
 * Rejects, before any read, what the id alone decides: a student and another student's support
 * conversation.
 */
export function precheckParticipant(caller: Identity, target: ParsedConversationId): void {
  if (
    target.kind === 'support' &&
    caller.role === 'student' &&
    target.studentId !== caller.userId
  ) {
    throw new ForbiddenError('this is not your conversation');
  }
}

/**
 * Throws unless the caller may read and write the conversation (sync, sendmessage, typing, read).
 */
export function authorizeParticipant(
  caller: Identity,
  target: ParsedConversationId,
  conversation: ConversationRecord | undefined,
  member: MemberRecord | undefined,
): void {
  precheckParticipant(caller, target);
  if (target.kind === 'support') {
    if (caller.role === 'admin' && !conversation) {
      throw new NotFoundError(`no conversation ${target.id}`);
    }
    return;
  }
  if (!conversation) throw new NotFoundError(`no conversation ${target.id}`);
  if (!member) throw new ForbiddenError('join the room first');
}

/**
 * The message at `seq` of a conversation the caller may read (as `sync` decides: a participant's
 * own support conversation, a joined room, any support conversation for an admin), with the
 * parsed conversation id; NOT_FOUND when there is none. One round trip: the conversation, the
 * caller's member item and the message are read together.
 */
export async function readableMessage(
  ctx: Pick<ChatContext, 'conversations' | 'messages'>,
  caller: Identity,
  conversationId: string,
  seq: number,
): Promise<{ target: ParsedConversationId; message: ChatMessage }> {
  const target = requireConversationId(conversationId);
  precheckParticipant(caller, target);
  const [{ conversation, member }, message] = await Promise.all([
    ctx.conversations.getWithMember(target.id, caller.userId),
    ctx.messages.get(target.id, seq),
  ]);
  authorizeParticipant(caller, target, conversation, member);
  if (!message) throw new NotFoundError(`no message ${seq} in ${target.id}`);
  return { target, message };
}
