/**
 * What a message does to its support conversation's desk fields, written in the send transaction
 * itself (so waiting-since always matches the messages): a student's message starts the waiting
 * time when nothing waited and reopens a resolved conversation; a staff reply clears it.
 */
import type { Identity } from './identity';
import { type DeskSendUpdate, deskSortOf } from './desk-ports';
import type { ConversationRecord } from './ports';

/**
 * The desk update of a message by `sender` sent at `sentAt` to `conversation` (undefined: the
 * student's first message creates it). `eventId` names the record of a state change.
 */
export function deskUpdateForSend(
  conversation: ConversationRecord | undefined,
  sender: Identity,
  sentAt: number,
  eventId: string,
): DeskSendUpdate {
  const conversationId = conversation?.conversationId ?? `support:${sender.userId}`;
  const state = conversation?.deskState;
  const fromStudent = sender.role === 'student';
  const waitingSince = fromStudent ? (conversation?.waitingSince ?? sentAt) : null;
  const deskSort = deskSortOf(waitingSince ?? undefined, sentAt);
  // A conversation from before the desk workflow (or a new one) gets its first state here; a
  // student writing to a resolved one reopens it, for the queue (no owner).
  const reopens = state === undefined || (fromStudent && state === 'resolved');
  if (!reopens) {
    const waited = fromStudent ? undefined : conversation?.waitingSince;
    if (waited === undefined) return { waitingSince, deskSort };
    // A staff reply to a waiting student: its response time goes on the desk's record.
    return {
      waitingSince,
      deskSort,
      answered: {
        conversationId,
        at: sentAt,
        eventId,
        actorId: sender.userId,
        actorName: sender.name,
        waitingSince: waited,
      },
    };
  }
  return {
    waitingSince,
    deskSort,
    reopen: {
      expected: state,
      event: {
        conversationId,
        at: sentAt,
        eventId,
        change: state === undefined ? 'new' : 'reopen',
        actorId: sender.userId,
        actorName: sender.name,
        state: 'open',
        ...(conversation?.ownerId !== undefined ? { previousOwnerId: conversation.ownerId } : {}),
      },
    },
  };
}
