/** The pure display helpers of the pages: banner text, chat rows with states and read marks. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ConnectionState, ConversationView } from '../core';
import { bannerText, watchBanner } from './banner';
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

describe('banner watcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  /** A client that reports the states it is told, as ChatClient's `state` event does. */
  function fakeClient(initial: ConnectionState) {
    let listener: ((state: ConnectionState) => void) | undefined;
    const client = {
      state: initial,
      on: (_event: 'state', fn: (state: ConnectionState) => void) => {
        listener = fn;
        return () => {
          listener = undefined;
        };
      },
      set(state: ConnectionState) {
        client.state = state;
        listener?.(state);
      },
    };
    return client;
  }

  it('counts the reconnect wait down every second and stops once online', () => {
    // Prepare
    const client = fakeClient({ status: 'online', since: NOW });
    const shown: string[] = [];
    watchBanner(client as never, (text) => shown.push(text));

    // Act
    client.set({ status: 'reconnecting', attempt: 1, retryAt: NOW + 3000, delayMs: 3000 });
    vi.advanceTimersByTime(2000);
    client.set({ status: 'online', since: NOW + 2500 });
    vi.advanceTimersByTime(5000);

    // Assess
    expect(shown).toEqual([
      '',
      'Reconnecting in 3 s…',
      'Reconnecting in 2 s…',
      'Reconnecting in 1 s…',
      '',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops counting when the page stops watching', () => {
    // Prepare
    const client = fakeClient({
      status: 'reconnecting',
      attempt: 1,
      retryAt: NOW + 9000,
      delayMs: 9000,
    });
    const shown: string[] = [];
    const stop = watchBanner(client as never, (text) => shown.push(text));

    // Act
    stop();
    vi.advanceTimersByTime(5000);

    // Assess
    expect(shown).toEqual(['Reconnecting in 9 s…']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
