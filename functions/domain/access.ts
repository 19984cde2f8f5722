/**
 * Who may take part in which conversation. This is the authorization matrix of docs/protocol.md:
 *
 * | conversation                 | student             | admin              |
 * |------------------------------|---------------------|--------------------|
 * | own support conversation     | allowed             | —                  |
 * | another student's support    | FORBIDDEN           | allowed            |
 * | room joined                  | allowed             | allowed            |
 * | room not joined              | FORBIDDEN           | FORBIDDEN          |
 * | nonexistent id               | NOT_FOUND (*)       | NOT_FOUND          |
 *
 * (*) A student's own support conversation always exists for them (it is created by the first
 * message), and a student asking about another student's support thread gets FORBIDDEN whether or
 * not it exists, so the answer never reveals who has written to the desk.
 */
import { type ParsedConversationId, parseConversationId } from './conversation-ids';
import { ForbiddenError, NotFoundError } from './errors';
import type { Identity } from './identity';
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
