/** The sidebar model: newest first, unread counts, presence, first messages, the room directory. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationSummary } from '../../../client/index';
import { translator } from '../../../client/index';
import { ConversationList } from './conversation-list';

function support(student: string, at: string, unread = 0, online = false): ConversationSummary {
  return {
    id: `support:${student}`,
    kind: 'support',
    title: student,
    lastSeq: unread + 1,
    readSeq: 1,
    unread,
    lastMessage: null,
    lastActivityAt: at,
    studentId: student,
    online,
  };
}

function room(id: string, title: string, joined: boolean, unread = 0): ConversationSummary {
  return {
    id,
    kind: 'room',
    title,
    lastSeq: unread,
    readSeq: 0,
    unread,
    lastMessage: null,
    lastActivityAt: '2026-11-21T10:00:00.000Z',
    memberCount: 3,
    joined,
  };
}

function message(conversationId: string, seq: number, senderId: string, at: string): ChatMessage {
  return {
    id: `m${seq}`,
    clientId: `c${seq}`,
    conversationId,
    seq,
    senderId,
    senderName: senderId,
    senderRole: senderId === 'admin' ? 'admin' : 'student',
    text: `<b>hi</b> ${seq}`,
    sentAt: at,
  };
}

describe('conversation list', () => {
  it('orders the inbox by newest activity and counts messages from others as unread', () => {
    // Prepare
    const list = new ConversationList(translator('en'));
    list.replace([
      support('alice', '2026-11-21T10:00:00.000Z'),
      support('bob', '2026-11-21T11:00:00.000Z', 2),
    ]);

    // Act
    const known = list.message(
      message('support:alice', 2, 'alice', '2026-11-21T12:00:00.000Z'),
      'admin',
      false,
    );
    list.message(message('support:alice', 3, 'admin', '2026-11-21T12:01:00.000Z'), 'admin', false);
    list.message(message('support:bob', 4, 'bob', '2026-11-21T11:30:00.000Z'), 'admin', true);
    const old = list.message(
      message('support:alice', 1, 'alice', '2026-11-21T09:00:00.000Z'),
      'admin',
      false,
    );

    // Assess
    expect([known, old]).toEqual([true, true]);
    expect(list.support().map((i) => [i.id, i.unread, i.preview])).toEqual([
      // The desk answered alice: her conversation is read and on top.
      ['support:alice', 0, 'admin: <b>hi</b> 3'],
      // Seen while open: bob's count did not grow.
      ['support:bob', 2, 'bob: <b>hi</b> 4'],
    ]);
    expect(list.markRead('support:bob')).toBe(true);
    expect(list.markRead('support:bob')).toBe(false);
    expect(list.totalUnread()).toBe(0);
  });

  it('asks for a fetch on a first message, and follows presence', () => {
    // Prepare
    const list = new ConversationList(translator('en'));
    list.replace([support('alice', '2026-11-21T10:00:00.000Z')], 'next-page');

    // Act
    const unknown = list.message(
      message('support:carol', 1, 'carol', '2026-11-21T12:00:00.000Z'),
      'admin',
      false,
    );
    const online = list.presence({
      type: 'presence',
      conversationId: 'support:alice',
      userId: 'alice',
      name: 'Alice',
      event: 'online',
    });
    const again = list.presence({
      type: 'presence',
      conversationId: 'support:alice',
      userId: 'alice',
      name: 'Alice',
      event: 'online',
    });

    // Assess
    expect(unknown).toBe(false);
    expect([online, again]).toEqual([true, false]);
    expect(list.get('support:alice')?.online).toBe(true);
    expect(list.cursor).toBe('next-page');
  });

  it('lists joined rooms with their unread counts first, then the rooms to join by title', () => {
    // Prepare
    const list = new ConversationList(translator('en'));
    list.replace([
      support('alice', '2026-11-21T10:00:00.000Z'),
      room('room:1', 'Library 3F', true, 4),
    ]);

    // Act
    list.setRooms([
      room('room:2', 'Zoo corner', false),
      room('room:1', 'Library 3F', true),
      room('room:3', 'Atrium', false),
    ]);

    // Assess
    expect(list.rooms().map((r) => [r.title, r.joined, r.unread])).toEqual([
      ['Library 3F', true, 4],
      ['Atrium', false, 0],
      ['Zoo corner', false, 0],
    ]);
    expect(list.totalUnread()).toBe(4);
  });
});

describe('renamed students', () => {
  it('shows the desk a student’s new display name from their next message', () => {
    // Prepare
    const list = new ConversationList(translator('zh'));
    list.replace([support('alice', '2026-11-21T10:00:00.000Z')]);

    // Act
    list.message(
      { ...message('support:alice', 2, 'alice', '2026-11-21T12:00:00.000Z'), senderName: '小爱' },
      'admin',
      false,
    );

    // Assess
    expect(list.get('support:alice')?.title).toBe('小爱');
    expect(list.get('support:alice')?.preview).toBe('小爱：<b>hi</b> 2');
  });
});
