/** Message rows: seq order, own pending after stored, states and read marks, stable keys. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationView } from '../../../client/index';
import { translator } from '../../../client/index';
import { messageRows, stateLabel } from './message-rows';

const en = translator('en');

function message(seq: number, senderId: string, clientId = `c${seq}`): ChatMessage {
  return {
    id: `m${seq}`,
    clientId,
    conversationId: 'support:alice',
    seq,
    senderId,
    senderName: senderId === 'alice' ? 'Alice' : 'Desk',
    senderRole: senderId === 'alice' ? 'student' : 'admin',
    text: `text ${seq}`,
    sentAt: '2026-11-21T12:00:00.000Z',
  };
}

function view(overrides: Partial<ConversationView>): ConversationView {
  return {
    conversationId: 'support:alice',
    loaded: true,
    hasOlder: false,
    messages: [],
    pending: [],
    typing: [],
    readers: new Map(),
    peerReadSeq: 0,
    ...overrides,
  };
}

describe('message rows', () => {
  it('lists stored messages, then pending ones, with sent / read / sending / failed', () => {
    // Prepare
    const conversation = view({
      messages: [message(1, 'alice'), message(2, 'admin'), message(3, 'alice')],
      pending: [
        {
          clientId: 'p1',
          conversationId: 'support:alice',
          text: 'a',
          createdAt: 1,
          state: 'sending',
        },
        {
          clientId: 'p2',
          conversationId: 'support:alice',
          text: 'b',
          createdAt: 2,
          state: 'failed',
          error: { code: 'FORBIDDEN', message: 'no' },
        },
      ],
      // The desk read up to 2; alice's own read position does not make her messages "read".
      peerReadSeq: 0,
      readers: new Map([
        ['admin', 2],
        ['alice', 3],
      ]),
    });

    // Act
    const rows = messageRows(conversation, 'alice', 'Alice');

    // Assess
    expect(rows.map((r) => [r.text, r.mine, r.state, stateLabel(en, r)])).toEqual([
      ['text 1', true, 'read', 'Read'],
      ['text 2', false, 'sent', 'Sent'],
      ['text 3', true, 'sent', 'Sent'],
      ['a', true, 'sending', 'Sending…'],
      ['b', true, 'failed', 'Not sent: you are not allowed to do this'],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('says what content security found in a refused message', () => {
    // Prepare
    const conversation = view({
      pending: [
        {
          clientId: 'p3',
          conversationId: 'support:alice',
          text: 'buy now',
          createdAt: 3,
          state: 'failed',
          error: { code: 'CONTENT_REJECTED', message: 'refused (ad)', label: 'ad' },
        },
      ],
    });

    // Act
    const [row] = messageRows(conversation, 'alice', 'Alice');

    // Assess
    expect(stateLabel(translator('zh'), row as never)).toContain('内容未通过安全检查（广告）');
  });

  it('keeps the key of an own message from sending to sent, and never shows it twice', () => {
    // Prepare
    const pending = view({
      pending: [
        {
          clientId: 'c9',
          conversationId: 'support:alice',
          text: 'x',
          createdAt: 1,
          state: 'sending',
        },
      ],
    });
    const stored = view({ messages: [message(9, 'alice', 'c9')] });
    const both = view({ messages: stored.messages, pending: pending.pending });

    // Act
    const before = messageRows(pending, 'alice', 'Alice');
    const after = messageRows(stored, 'alice', 'Alice');
    const overlap = messageRows(both, 'alice', 'Alice');

    // Assess
    expect(before[0]?.key).toBe(after[0]?.key);
    expect(overlap).toHaveLength(1);
    expect(overlap[0]?.state).toBe('sent');
  });

  it('shows own messages read up to the server’s peer position after a reload (no live notice)', () => {
    // Prepare: a fresh client: no read notices yet, only what sync said.
    const reloaded = view({
      messages: [message(1, 'alice'), message(2, 'alice'), message(3, 'alice')],
      peerReadSeq: 2,
    });

    // Act
    const rows = messageRows(reloaded, 'alice', 'Alice');

    // Assess
    expect(rows.map((r) => stateLabel(translator('zh'), r))).toEqual(['已读', '已读', '已发送']);
  });

  it('gives image messages their shape: stored with the server image, pending with the local file', () => {
    // Prepare
    const picture = {
      key: 'up/a/b/c',
      width: 1200,
      height: 1600,
      size: 1000,
      contentType: 'image/jpeg',
      url: 'https://s3/display',
      thumbUrl: 'https://s3/thumb',
      urlsExpireAt: '2026-11-21T12:15:00.000Z',
    };
    const stored = { ...message(1, 'admin'), text: '', image: picture };
    const removed = {
      ...message(2, 'admin'),
      text: '',
      image: picture,
      recalled: 'admin' as const,
    };
    const conversation = view({
      messages: [stored, removed],
      pending: [
        {
          clientId: 'p1',
          conversationId: 'support:alice',
          text: '',
          createdAt: 1,
          state: 'sending',
          image: {
            localPath: 'blob:x',
            contentType: 'image/png',
            size: 10,
            width: 640,
            height: 480,
          },
        },
      ],
    });

    // Act
    const rows = messageRows(conversation, 'alice', 'Alice');

    // Assess: the tombstone has no picture left.
    expect(rows.map((r) => r.image)).toEqual([
      { width: 1200, height: 1600, stored: picture },
      undefined,
      { width: 640, height: 480, localPath: 'blob:x' },
    ]);
  });
});
