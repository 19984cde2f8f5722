/**
 * The outbox through the ChatClient against the fake transport and server: pending at once,
 * persisted before it goes out, one at a time per conversation in order, retried with the same id
 * until acked, surviving an app kill, and reconciled with messages that arrive through sync.
 */
import { describe, expect, it } from 'vitest';
import type { InvalidTextError } from './errors';
import type { OutboxEntry } from './outbox';
import { MemoryStorage } from './storage';
import { FakeClock } from './testing/fake-clock';
import { harness } from './testing/harness';

const SUPPORT = 'support:alice';

async function online(h: ReturnType<typeof harness>): Promise<void> {
  await h.client.start();
  await h.clock.advance(0);
  await h.client.open(SUPPORT);
}

/** The entries the split outbox has in storage: the index's ids, each read from its own key. */
function stored(storage: MemoryStorage): OutboxEntry[] {
  const index = JSON.parse(storage.values.get('campus-chat.outbox') ?? '{"ids":[]}') as {
    ids: string[];
  };
  return index.ids.map(
    (id) => JSON.parse(storage.values.get(`campus-chat.outbox.${id}`) ?? 'null') as OutboxEntry,
  );
}

describe('send', () => {
  it('returns a pending entry at once, persists it before sending, and completes on the ack', async () => {
    // Prepare
    const h = harness();
    await online(h);
    const seenPending: number[] = [];
    h.client.on('conversation', () => seenPending.push(h.client.view(SUPPORT).pending.length));
    let storedWhenSent: OutboxEntry[] | undefined;
    h.server.intercept = (frame) => {
      if (frame.action === 'sendmessage') storedWhenSent = stored(h.storage);
      return undefined;
    };

    // Act
    const entry = h.client.send(SUPPORT, 'Is 3F open tonight?');
    const immediately = h.client.view(SUPPORT).pending;
    await h.clock.advance(0);

    // Assess
    expect(entry).toMatchObject({
      conversationId: SUPPORT,
      text: 'Is 3F open tonight?',
      state: 'sending',
    });
    expect(entry.clientId.length).toBeLessThanOrEqual(64);
    expect(immediately).toEqual([entry]);
    expect(storedWhenSent?.map((e) => e.clientId)).toEqual([entry.clientId]);
    const view = h.client.view(SUPPORT);
    expect(view.pending).toEqual([]);
    expect(view.messages).toMatchObject([
      { seq: 1, clientId: entry.clientId, text: 'Is 3F open tonight?' },
    ]);
    expect(stored(h.storage)).toEqual([]);
    expect(seenPending.at(-1)).toBe(0);
  });

  it('refuses blank, malformed and over-long text before anything is queued', async () => {
    // Prepare
    const h = harness();
    await online(h);

    // Act
    const attempts = ['   ', '\ud800x', 'x'.repeat(4001)].map((text) => {
      try {
        h.client.send(SUPPORT, text);
        return 'sent';
      } catch (error) {
        return (error as InvalidTextError).problem;
      }
    });
    const emoji = h.client.send(SUPPORT, '😀'.repeat(4000));
    await h.clock.advance(0);

    // Assess
    expect(attempts).toEqual(['empty', 'malformed', 'tooLong']);
    expect(h.server.messages(SUPPORT).map((m) => m.clientId)).toEqual([emoji.clientId]);
  });

  it('sends one message at a time per conversation, in the order typed', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let holdAcks = true;
    const held: (() => void)[] = [];
    h.server.intercept = (frame, socket) => {
      if (frame.action !== 'sendmessage' || !holdAcks) return undefined;
      held.push(() => socket.onSend?.(frame));
      return 'drop';
    };

    // Act
    h.client.send(SUPPORT, 'one');
    h.client.send(SUPPORT, 'two');
    h.client.send(SUPPORT, 'three');
    h.client.send('room:r1', 'elsewhere');
    await h.clock.advance(0);
    const firstWave = h.transport.last.framesOf('sendmessage').map((f) => f.text);
    holdAcks = false;
    for (const release of held) release();
    await h.clock.advance(0);

    // Assess
    expect(firstWave).toEqual(['one', 'elsewhere']);
    const sentTexts = h.transport.last.framesOf('sendmessage').map((f) => f.text);
    expect(sentTexts).toEqual(['one', 'elsewhere', 'two', 'three']);
    expect(h.server.messages(SUPPORT).map((m) => [m.seq, m.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('resends with the same id after the connection drops before the ack: stored once', async () => {
    // Prepare
    const h = harness();
    await online(h);
    h.server.intercept = (frame, socket) => {
      if (frame.action !== 'sendmessage') return undefined;
      // The server stores it, but the socket dies before the ack leaves.
      h.server.intercept = undefined;
      void Promise.resolve().then(() => socket.end(1006, 'lost'));
      return 'noReply';
    };

    // Act
    const entry = h.client.send(SUPPORT, 'hello?');
    await h.clock.advance(0);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess
    const frames = h.transport.sockets.flatMap((s) => s.framesOf('sendmessage'));
    expect(frames.map((f) => f.id)).toEqual([entry.clientId, entry.clientId]);
    // The first try is a first try; the second says it may have gone out before (the server
    // then looks the id up before taking a seq).
    expect(frames.map((f) => f.resend)).toEqual([undefined, true]);
    expect(h.server.messages(SUPPORT)).toHaveLength(1);
    expect(h.client.view(SUPPORT).messages.map((m) => m.clientId)).toEqual([entry.clientId]);
    expect(h.client.view(SUPPORT).pending).toEqual([]);
  });

  it('keeps a pending message across an app kill and sends it with the same id on the next start', async () => {
    // Prepare: the first run sends, the server stores it, and the app dies before the ack.
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const first = harness({ storage, clock });
    await online(first);
    let sends = 0;
    // The server stores the first message but its ack is lost; the second never gets out.
    first.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage') return undefined;
      sends++;
      return sends === 1 ? 'noReply' : 'drop';
    };
    const entry = first.client.send(SUPPORT, 'do not lose me');
    const unsent = first.client.send(SUPPORT, 'nor me');
    await clock.advance(0);
    const persisted = stored(storage).map((e) => e.clientId);
    first.client.stop();

    // Act: a new process with the same storage (the server already has the first message).
    const second = harness({ storage, clock, serverState: first.server.state });
    await second.client.start();
    const restored = second.client.view(SUPPORT).pending.map((e) => e.clientId);
    await clock.advance(0);
    await second.client.open(SUPPORT);
    await clock.advance(0);

    // Assess
    expect(persisted).toEqual([entry.clientId, unsent.clientId]);
    expect(restored).toEqual([entry.clientId, unsent.clientId]);
    // Same ids: the server replays the first ack instead of storing the message again.
    const resent = second.transport.last.framesOf('sendmessage');
    expect(resent.map((f) => f.id)).toEqual([entry.clientId, unsent.clientId]);
    // Left by an earlier run: either may have gone out, so both are flagged.
    expect(resent.map((f) => f.resend)).toEqual([true, true]);
    expect(first.server.messages(SUPPORT).map((m) => m.clientId)).toEqual([
      entry.clientId,
      unsent.clientId,
    ]);
    expect(second.client.view(SUPPORT).messages.map((m) => m.text)).toEqual([
      'do not lose me',
      'nor me',
    ]);
    expect(stored(storage)).toEqual([]);
  });

  it('keeps a message sent before start() has finished reading the outbox, and what was stored', async () => {
    // Prepare: a message a previous run left pending.
    const storage = new MemoryStorage();
    const clock = new FakeClock();
    const left: OutboxEntry = {
      clientId: 'c-left-over',
      conversationId: SUPPORT,
      text: 'left from the last run',
      createdAt: clock.now() - 1000,
      state: 'sending',
    };
    storage.values.set('campus-chat.outbox', JSON.stringify([left]));
    // The socket opens only when told, so what is persisted can be read before anything is sent.
    const h = harness({ storage, clock, autoOpen: false });

    // Act: send without waiting for start().
    const starting = h.client.start();
    const typed = h.client.send(SUPPORT, 'typed at once');
    await starting;
    await clock.advance(0);
    const pending = h.client.view(SUPPORT).pending.map((e) => e.clientId);
    const persisted = stored(storage).map((e) => e.clientId);
    h.transport.last.open();
    await clock.advance(0);
    await h.client.open(SUPPORT);
    await clock.advance(0);

    // Assess: both kept, in order, and each stored once on the server.
    expect(pending).toEqual([left.clientId, typed.clientId]);
    expect(persisted).toEqual([left.clientId, typed.clientId]);
    expect(h.server.messages(SUPPORT).map((m) => m.text)).toEqual([
      'left from the last run',
      'typed at once',
    ]);
    expect(stored(storage)).toEqual([]);
  });

  it('waits at least retryAfterMs on BUSY, longer on each BUSY in a row, and retries the same id', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let refusals = 0;
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage' || refusals >= 2) return undefined;
      refusals++;
      return { type: 'error', id: frame.id, code: 'BUSY', message: 'busy', retryAfterMs: 500 };
    };
    const entry = h.client.send(SUPPORT, 'hi');
    await h.clock.advance(0);

    // Act: each resend comes retryAfterMs at the earliest after the BUSY before it.
    const gaps: number[] = [];
    let last = h.clock.now();
    let seen = 1;
    for (let t = 0; t < 20_000; t += 10) {
      await h.clock.advance(10);
      const sent = h.transport.last.framesOf('sendmessage').length;
      if (sent > seen) {
        gaps.push(h.clock.now() - last);
        last = h.clock.now();
        seen = sent;
      }
    }

    // Assess
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(500);
    expect(h.transport.last.framesOf('sendmessage').map((f) => f.id)).toEqual([
      entry.clientId,
      entry.clientId,
      entry.clientId,
    ]);
    // BUSY stored nothing: each retry is still a first try, as cheap for the server as the first.
    expect(h.transport.last.framesOf('sendmessage').map((f) => f.resend)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(h.client.view(SUPPORT).pending).toEqual([]);
    expect(h.client.view(SUPPORT).messages).toHaveLength(1);
  });

  it('keeps flagging a resend once a try may have been stored, BUSY after it or not', async () => {
    // Prepare: the first try is stored but its ack never comes; the retry is shed with BUSY.
    const h = harness();
    await online(h);
    let tries = 0;
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage') return undefined;
      tries++;
      if (tries === 1) return 'noReply';
      if (tries === 2) {
        return { type: 'error', id: frame.id, code: 'BUSY', message: 'busy', retryAfterMs: 500 };
      }
      return undefined;
    };
    h.client.send(SUPPORT, 'hi');
    await h.clock.advance(0);

    // Act
    for (let t = 0; t < 60_000 && tries < 3; t += 100) await h.clock.advance(100);

    // Assess
    const frames = h.transport.sockets.flatMap((s) => s.framesOf('sendmessage'));
    expect(frames.map((f) => f.resend)).toEqual([undefined, true, true]);
    expect(h.client.view(SUPPORT).messages).toHaveLength(1);
  });

  it('waits retryAfterMs on RATE_LIMITED and retries the same id', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let refusals = 0;
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage' || refusals > 0) return undefined;
      refusals++;
      return {
        type: 'error',
        id: frame.id,
        code: 'RATE_LIMITED',
        message: 'slow down',
        retryAfterMs: 4000,
      };
    };
    const entry = h.client.send(SUPPORT, 'hi');
    await h.clock.advance(0);

    // Act
    await h.clock.advance(3999);
    const beforeWait = h.transport.last.framesOf('sendmessage').length;
    await h.clock.advance(300);

    // Assess
    expect(beforeWait).toBe(1);
    expect(h.transport.last.framesOf('sendmessage').map((f) => f.id)).toEqual([
      entry.clientId,
      entry.clientId,
    ]);
    expect(h.client.view(SUPPORT).messages).toHaveLength(1);
  });

  it('waits retryAfterMs on UNAVAILABLE (content security down) and resends the same id', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let refusals = 0;
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage' || refusals > 0) return undefined;
      refusals++;
      return {
        type: 'error',
        id: frame.id,
        code: 'UNAVAILABLE',
        message: 'down',
        retryAfterMs: 2000,
      };
    };
    const entry = h.client.send(SUPPORT, 'hi');
    await h.clock.advance(0);

    // Act
    await h.clock.advance(1999);
    const beforeWait = h.transport.last.framesOf('sendmessage').length;
    await h.clock.advance(300);

    // Assess
    expect(beforeWait).toBe(1);
    expect(h.transport.last.framesOf('sendmessage').map((f) => f.id)).toEqual([
      entry.clientId,
      entry.clientId,
    ]);
    expect(h.client.view(SUPPORT).pending).toEqual([]);
  });

  it('marks a message content security refused as failed, keeping the label for the words', async () => {
    // Prepare
    const h = harness();
    await online(h);
    h.server.intercept = (frame) =>
      frame.action === 'sendmessage'
        ? { type: 'error', id: frame.id, code: 'CONTENT_REJECTED', message: 'no', label: 'fraud' }
        : undefined;

    // Act
    h.client.send(SUPPORT, 'buy now');
    await h.clock.advance(0);
    await h.clock.advance(60_000);

    // Assess
    expect(
      h.client.view(SUPPORT).pending.map((e) => [e.state, e.error?.code, e.error?.label]),
    ).toEqual([['failed', 'CONTENT_REJECTED', 'fraud']]);
    expect(h.transport.last.framesOf('sendmessage')).toHaveLength(1);
  });

  it("retries after INTERNAL and after API Gateway's own failure frame", async () => {
    // Prepare
    const h = harness();
    await online(h);
    const answers: object[] = [
      { type: 'error', code: 'INTERNAL', message: 'busy' },
      { message: 'Internal server error', connectionId: 'c1', requestId: 'r1' },
    ];
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage') return undefined;
      const next = answers.shift();
      return next ? { ...next, ...('type' in next ? { id: frame.id } : {}) } : undefined;
    };

    // Act
    const entry = h.client.send(SUPPORT, 'please');
    await h.clock.advance(60_000);

    // Assess
    const ids = h.transport.last.framesOf('sendmessage').map((f) => f.id);
    expect(ids).toEqual([entry.clientId, entry.clientId, entry.clientId]);
    expect(h.server.messages(SUPPORT)).toHaveLength(1);
    expect(h.client.view(SUPPORT).pending).toEqual([]);
  });

  it('resends when the ack does not come within the ack timeout', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let dropped = false;
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage' || dropped) return undefined;
      dropped = true;
      return 'drop';
    };

    // Act
    const entry = h.client.send(SUPPORT, 'anyone?');
    await h.clock.advance(15_000 + 15_000);

    // Assess
    expect(h.transport.last.framesOf('sendmessage').map((f) => f.id)).toEqual([
      entry.clientId,
      entry.clientId,
    ]);
    expect(h.client.view(SUPPORT).messages).toHaveLength(1);
  });

  it('marks a refused message failed; retry sends it again with the same id, discard drops it', async () => {
    // Prepare
    const h = harness();
    await online(h);
    let refuse = true;
    h.server.intercept = (frame) =>
      frame.action === 'sendmessage' && refuse
        ? { type: 'error', id: frame.id, code: 'FORBIDDEN', message: 'join the room first' }
        : undefined;
    const entry = h.client.send(SUPPORT, 'first');
    const second = h.client.send(SUPPORT, 'second');
    await h.clock.advance(0);
    await h.clock.advance(0);
    const failed = h.client.view(SUPPORT).pending;

    // Act
    refuse = false;
    h.client.retry(entry.clientId);
    await h.clock.advance(0);
    const afterRetry = h.client.view(SUPPORT);
    h.client.discard(second.clientId);
    await h.clock.advance(0);

    // Assess
    expect(failed.map((e) => [e.text, e.state, e.error?.code])).toEqual([
      ['first', 'failed', 'FORBIDDEN'],
      ['second', 'failed', 'FORBIDDEN'],
    ]);
    expect(afterRetry.messages.map((m) => m.clientId)).toEqual([entry.clientId]);
    expect(h.client.view(SUPPORT).pending).toEqual([]);
    expect(stored(h.storage)).toEqual([]);
  });

  it('completes a pending message whose ack was lost when it arrives through sync', async () => {
    // Prepare: the ack is lost and the connection drops.
    const h = harness();
    await online(h);
    h.server.intercept = (frame) => {
      if (frame.action !== 'sendmessage') return undefined;
      // Stored, ack lost; resends are lost too, so only the sync can complete it.
      h.server.intercept = (f) => (f.action === 'sendmessage' ? 'drop' : undefined);
      return 'noReply';
    };
    const entry = h.client.send(SUPPORT, 'stored, never acked');
    await h.clock.advance(0);

    // Act: reconnect; the catch-up sync brings the stored message back.
    h.transport.last.end(1006);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess
    const view = h.client.view(SUPPORT);
    expect(view.messages.map((m) => m.clientId)).toEqual([entry.clientId]);
    expect(view.pending).toEqual([]);
    expect(h.server.messages(SUPPORT)).toHaveLength(1);
  });
});
