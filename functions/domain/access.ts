/**
 * Who may take part in which conversation: the authorization matrix of docs/protocol.md §5 (the
 * tables there are checked cell by cell against the running stack by test/authorization.test.ts).
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
