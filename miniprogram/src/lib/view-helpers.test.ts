/** The pure display helpers of the pages: banner text, chat rows with states and read marks. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationView } from '../core';
import { bannerText } from './banner';
import { chatItems } from './chat-items';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

function message(seq: number, senderId: string): ChatMessage {
  return {
    id: `m${seq}`,
    clientId: `c${seq}`,
    conversationId: 'support:alice',
    seq,
    senderId,
    senderName: senderId === 'alice' ? 'Alice' : 'Desk',
    senderRole: senderId === 'alice' ? 'student' : 'admin',
    text: `text ${seq}`,
    sentAt: new Date(NOW - 60_000).toISOString(),
  };
}

describe('connection banner', () => {
  it('counts down to the next attempt and stays quiet when nothing is wrong', () => {
    expect(
      bannerText({ status: 'reconnecting', attempt: 3, retryAt: NOW + 2400, delayMs: 2400 }, NOW),
    ).toBe('Reconnecting in 3 s…');
    expect(bannerText({ status: 'reconnecting', attempt: 1, retryAt: NOW, delayMs: 0 }, NOW)).toBe(
      'Reconnecting in 1 s…',
    );
    expect(bannerText({ status: 'offline', reason: 'network' }, NOW)).toMatch(/no network/);
    expect(bannerText({ status: 'offline', reason: 'background' }, NOW)).toBe('');
    expect(bannerText({ status: 'connecting', attempt: 0, planned: false }, NOW)).toBe('');
    expect(bannerText({ status: 'connecting', attempt: 2, planned: true }, NOW)).toBe('');
    expect(bannerText({ status: 'connecting', attempt: 2, planned: false }, NOW)).toBe(
      'Reconnecting…',
    );
    expect(bannerText({ status: 'online', since: NOW }, NOW)).toBe('');
  });
});

describe('chat rows', () => {
  it('orders stored then pending messages and marks own messages read up to the others’ position', () => {
    // Prepare
    const view: ConversationView = {
      conversationId: 'support:alice',
      loaded: true,
      hasOlder: false,
      messages: [message(1, 'alice'), message(2, 'admin'), message(3, 'alice')],
      pending: [
        {
          clientId: 'p1',
          conversationId: 'support:alice',
          text: 'pending',
          createdAt: NOW,
          state: 'failed',
          error: { code: 'FORBIDDEN', message: 'no' },
        },
      ],
      typing: [],
      readers: new Map([
        ['admin', 2],
        ['alice', 3],
      ]),
    };

    // Act
    const rows = chatItems(view, 'alice', 'Alice', NOW);

    // Assess
    expect(rows.map((r) => [r.text, r.mine, r.state, r.stateLabel])).toEqual([
      ['text 1', true, 'read', 'Read'],
      ['text 2', false, 'sent', ''],
      ['text 3', true, 'sent', 'Sent'],
      ['pending', true, 'failed', 'Not sent · tap to retry'],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
  });
});
