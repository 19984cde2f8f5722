import { describe, expect, it } from 'vitest';
import { authorizeParticipant, requireConversationId } from './access';
import type { Identity } from './identity';
import type { ConversationRecord, MemberRecord } from './ports';

const student: Identity = { userId: 'ann', name: 'Ann', role: 'student' };
const admin: Identity = { userId: 'desk', name: 'Desk', role: 'admin' };

function record(conversationId: string): ConversationRecord {
  return {
    conversationId,
    kind: conversationId.startsWith('room:') ? 'room' : 'support',
    title: 't',
    lastSeq: 3,
    lastActivityAt: 0,
    createdAt: 0,
  };
}

function member(conversationId: string, userId: string): MemberRecord {
  return { conversationId, userId, readSeq: 0 };
}

/** The documented matrix (docs/protocol.md §5), as the outcome of authorizeParticipant. */
function outcome(caller: Identity, id: string, exists: boolean, joined: boolean): string {
  try {
    const target = requireConversationId(id);
    authorizeParticipant(
      caller,
      target,
      exists ? record(id) : undefined,
      joined ? member(id, caller.userId) : undefined,
    );
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('the authorization matrix', () => {
  it.each([
    // caller, conversation, exists, joined, outcome
    [student, 'support:ann', true, false, 'allowed'],
    [student, 'support:ann', false, false, 'allowed'],
    [student, 'support:bob', true, false, 'FORBIDDEN'],
    [student, 'support:bob', false, false, 'FORBIDDEN'],
    [student, 'room:r1', true, true, 'allowed'],
    [student, 'room:r1', true, false, 'FORBIDDEN'],
    [student, 'room:none', false, false, 'NOT_FOUND'],
    [student, 'lobby', false, false, 'NOT_FOUND'],
    [admin, 'support:bob', true, false, 'allowed'],
    [admin, 'support:bob', false, false, 'NOT_FOUND'],
    [admin, 'room:r1', true, true, 'allowed'],
    [admin, 'room:r1', true, false, 'FORBIDDEN'],
    [admin, 'room:none', false, false, 'NOT_FOUND'],
    [admin, 'support:', false, false, 'NOT_FOUND'],
  ])('%o on %s (exists %s, joined %s): %s', (caller, id, exists, joined, expected) => {
    expect(outcome(caller, id, exists, joined)).toBe(expected);
  });
});
