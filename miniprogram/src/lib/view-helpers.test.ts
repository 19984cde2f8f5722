/** The pure display helpers of the pages: banner text, chat rows with states and read marks. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ChatMessage, type ConnectionState, type ConversationView, translator } from '../core';
import { bannerText, watchBanner } from './banner';
import { type ChatItem, chatItems } from './chat-items';
import { itemUpdates, windowed } from './chat-window';

const zh = translator('zh');
const en = translator('en');

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
      bannerText(
        en,
        { status: 'reconnecting', attempt: 3, retryAt: NOW + 2400, delayMs: 2400 },
        NOW,
      ),
    ).toBe('Reconnecting in 3 s…');
    expect(
      bannerText(en, { status: 'reconnecting', attempt: 1, retryAt: NOW, delayMs: 0 }, NOW),
    ).toBe('Reconnecting in 1 s…');
    expect(bannerText(en, { status: 'offline', reason: 'network' }, NOW)).toMatch(/no network/);
    expect(bannerText(en, { status: 'offline', reason: 'background' }, NOW)).toBe('');
    expect(bannerText(en, { status: 'connecting', attempt: 0, planned: false }, NOW)).toBe('');
    expect(bannerText(en, { status: 'connecting', attempt: 2, planned: true }, NOW)).toBe('');
    expect(bannerText(en, { status: 'connecting', attempt: 2, planned: false }, NOW)).toBe(
      'Reconnecting…',
    );
    expect(bannerText(en, { status: 'online', since: NOW }, NOW)).toBe('');
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
      peerReadSeq: 0,
    };

    // Act
    const rows = chatItems(en, view, 'alice', 'Alice', NOW);

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
    watchBanner(en, client as never, (text) => shown.push(text));

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
    const stop = watchBanner(en, client as never, (text) => shown.push(text));

    // Act
    stop();
    vi.advanceTimersByTime(5000);

    // Assess
    expect(shown).toEqual(['Reconnecting in 9 s…']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('chat rows after a reload', () => {
  it('marks own messages read up to the server’s peer position, in Chinese', () => {
    // Prepare: no live notices, only what sync said.
    const view: ConversationView = {
      conversationId: 'support:alice',
      loaded: true,
      hasOlder: false,
      messages: [message(1, 'alice'), message(2, 'alice')],
      pending: [],
      typing: [],
      readers: new Map(),
      peerReadSeq: 1,
    };

    // Act
    const rows = chatItems(zh, view, 'alice', 'Alice', NOW);

    // Assess
    expect(rows.map((r) => r.stateLabel)).toEqual(['已读', '已发送']);
  });
});

describe('chat window updates', () => {
  function item(seq: number, state: ChatItem['state'] = 'sent'): ChatItem {
    return {
      key: `s${seq}`,
      seq,
      mine: true,
      senderName: 'Alice',
      time: '14:05',
      text: `text ${seq}`,
      state,
      stateLabel: state,
      clientId: `c${seq}`,
      className: `message mine ${state}`,
      recalled: false,
      badge: '',
      imageKey: '',
      imageSrc: '',
      imageStyle: '',
      imageAlt: '',
      progressLabel: '',
    };
  }

  it('sends a changed field as a path and an appended row by index', () => {
    const before = [item(1), item(2)];
    const after = [item(1, 'read'), item(2), item(3)];
    expect(itemUpdates(before, after)).toEqual({
      'items[0].state': 'read',
      'items[0].stateLabel': 'read',
      'items[0].className': 'message mine read',
      'items[2]': item(3),
    });
    expect(itemUpdates(after, after)).toEqual({});
  });

  it('sends the whole window only when rows moved (the window slid or older rows came in)', () => {
    const before = [item(1), item(2)];
    const slid = [item(2), item(3)];
    expect(itemUpdates(before, slid)).toEqual({ items: slid });
  });

  it('keeps a bounded window of the newest rows', () => {
    const all = Array.from({ length: 120 }, (_, i) => item(i + 1));
    const window = windowed(all, 50);
    expect(window).toHaveLength(50);
    expect(window[0]?.seq).toBe(71);
    expect(window[49]?.seq).toBe(120);
    expect(windowed(all.slice(0, 3), 50)).toHaveLength(3);
  });
});

describe('picture rows', () => {
  const image = {
    key: 'up/k',
    width: 1200,
    height: 1600,
    size: 1000,
    contentType: 'image/jpeg',
    url: 'https://s3/img/k?frame',
    thumbUrl: 'https://s3/th/k?frame',
    urlsExpireAt: new Date(NOW + 60_000).toISOString(),
  };

  it('shows a stored picture by its freshest thumbnail, a pending one with its upload progress, a tombstone without', () => {
    // Prepare
    const view: ConversationView = {
      conversationId: 'support:alice',
      loaded: true,
      hasOlder: false,
      messages: [
        { ...message(1, 'admin'), text: '', image },
        {
          ...message(2, 'admin'),
          text: '',
          image: { ...image, key: 'up/gone' },
          recalled: 'admin',
        },
      ],
      pending: [
        {
          clientId: 'p1',
          conversationId: 'support:alice',
          text: '',
          createdAt: NOW,
          state: 'sending',
          image: {
            localPath: 'wxfile://tmp_1.jpg',
            contentType: 'image/jpeg',
            size: 5,
            width: 400,
            height: 100,
          },
        },
      ],
      typing: [],
      readers: new Map(),
      peerReadSeq: 0,
    };
    const renewed = new Map([
      [
        'up/k',
        { url: 'https://s3/img/k?new', thumbUrl: 'https://s3/th/k?new', expiresAt: NOW + 900_000 },
      ],
    ]);

    // Act
    const plain = chatItems(zh, view, 'alice', 'Alice', NOW, { progress: new Map([['p1', 0.4]]) });
    const withRenewed = chatItems(zh, view, 'alice', 'Alice', NOW, {
      urls: (image) => renewed.get(image.key),
    });
    const expired = chatItems(zh, view, 'alice', 'Alice', NOW + 61_000);

    // Assess
    expect(plain.map((r) => [r.imageSrc, r.imageStyle, r.progressLabel])).toEqual([
      ['https://s3/th/k?frame', 'width:135px;height:180px', ''],
      ['', '', ''],
      ['wxfile://tmp_1.jpg', 'width:180px;height:45px', '正在上传 40%'],
    ]);
    expect(plain[1]?.recalled).toBe(true);
    expect(withRenewed[0]?.imageSrc).toBe('https://s3/th/k?new');
    // Past its expiry a frame's URL is not shown (the page renews it).
    expect(expired[0]?.imageSrc).toBe('');
    expect(expired[0]?.imageKey).toBe('up/k');
  });
});
